import ZapgateSignal
import ZapgateWire

extension JID {
    /// The Signal address of this device: sessions with a device are keyed by it.
    public var signalAddress: SignalAddress {
        SignalAddress(name: signalAddressName, deviceID: signalDeviceID)
    }
}
