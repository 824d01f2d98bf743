import Testing
import ZapgateSimulator

@Test func simulatorErrorsDescribeThemselves() {
    #expect(SimulatorError.unknown("device 1").description == "unknown device 1")
}
