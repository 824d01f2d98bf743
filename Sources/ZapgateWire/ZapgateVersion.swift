/// The version this build of Zapgate reports.
public enum ZapgateVersion {
    public static let string = "0.1.0"
}
