/// The HTTP API contract, `openapi.yaml`, as it was when this binary was built, so the server
/// can serve the very document its generated types came from.
public enum APISpecification {
    /// The OpenAPI 3.1 document, YAML.
    public static var yaml: String { String(decoding: PackageResources.openapi_yaml, as: UTF8.self) }

    /// The same document as bytes, for a response body.
    public static var yamlBytes: [UInt8] { PackageResources.openapi_yaml }
}
