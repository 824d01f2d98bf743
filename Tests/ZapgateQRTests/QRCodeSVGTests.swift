import Foundation
import Testing
import ZapgateQR

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The SVG: well-formed XML, one path, a viewBox in modules, and a path that covers exactly
/// the dark modules.
@Suite struct QRCodeSVGTests {
    /// Collects the elements and attributes of a document.
    private final class Elements: NSObject, XMLParserDelegate {
        var found: [(name: String, attributes: [String: String])] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String]
        ) {
            found.append((elementName, attributes))
        }
    }

    private func parse(_ svg: String) throws -> [(name: String, attributes: [String: String])] {
        let parser = XMLParser(data: Data(svg.utf8))
        let elements = Elements()
        parser.delegate = elements
        let parsed = parser.parse()
        #expect(parsed, "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return elements.found
    }

    @Test(arguments: [(8, 4), (1, 0), (3, 2)])
    func document(moduleSize: Int, border: Int) throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 700))
        let elements = try parse(code.svg(moduleSize: moduleSize, border: border))
        let across = code.size + 2 * border

        let root = try #require(elements.first)
        #expect(root.name == "svg")
        // Present here; its value is judged by librsvg, which refuses any namespace but SVG's
        // (svgRendersToADecodableCode).
        #expect(root.attributes["xmlns"] != nil)
        #expect(root.attributes["viewBox"] == "0 0 \(across) \(across)")
        #expect(root.attributes["width"] == String(across * moduleSize))
        #expect(root.attributes["height"] == String(across * moduleSize))
        #expect(root.attributes["shape-rendering"] == "crispEdges")

        let paths = elements.filter { $0.name == "path" }
        #expect(paths.count == 1)
        let background = try #require(elements.first { $0.name == "rect" })
        #expect(background.attributes["fill"] == "#fff")
        #expect(background.attributes["width"] == String(across))
    }

    /// librsvg draws our SVG and zbar reads the drawing: the document is a real SVG (right
    /// namespace, viewBox, path) whose symbol scans, judged by two programs we did not write.
    @Test(arguments: [(8, 4), (3, 2)])
    func svgRendersToADecodableCode(moduleSize: Int, border: Int) throws {
        let text = LinkingStrings.make(seed: 702)
        let svg = try QRCode(encoding: text).svg(moduleSize: moduleSize, border: border)
        #expect(try ZbarDecoder.decode(png: SVGRenderer.png(from: svg)) == .decoded(text))
    }

    @Test(arguments: [0, 4])
    func pathCoversExactlyTheDarkModules(border: Int) throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 701), errorCorrection: .quartile)
        let elements = try parse(code.svg(border: border))
        let d = try #require(elements.first { $0.name == "path" }?.attributes["d"])

        // The path is a list of "M<x> <y>h<run>v1h-<run>z" rectangles, one module high.
        let across = code.size + 2 * border
        var painted = [Bool](repeating: false, count: across * across)
        var rectangles = 0
        for piece in d.split(separator: "z") {
            let scanner = Scanner(string: String(piece))
            guard scanner.scanString("M") != nil, let x = scanner.scanInt(), let y = scanner.scanInt(),
                scanner.scanString("h") != nil, let run = scanner.scanInt(),
                scanner.scanString("v1h-") != nil, let back = scanner.scanInt(), scanner.isAtEnd
            else {
                Issue.record("unexpected path piece \(piece)")
                return
            }
            #expect(run == back)
            // A rectangle off the image would index outside the grid: stop there instead.
            try #require(run > 0 && (0..<across).contains(y) && x >= 0 && x + run <= across)
            for column in x..<(x + run) {
                #expect(!painted[y * across + column], "module painted twice")
                painted[y * across + column] = true
            }
            rectangles += 1
        }
        for y in 0..<across {
            for x in 0..<across {
                #expect(painted[y * across + x] == code.isDark(x: x - border, y: y - border))
            }
        }
        // Runs are merged: fewer rectangles than dark modules.
        #expect(rectangles < code.modules.filter { $0 }.count)
    }

    @Test func outOfRangeParametersAreClamped() throws {
        let code = try QRCode(encoding: "clamp")
        #expect(code.svg(moduleSize: 0, border: -3) == code.svg(moduleSize: 1, border: 0))
        #expect(code.svg(moduleSize: .max, border: 1_000) == code.svg(moduleSize: 64, border: 64))
        #expect(code.svg(moduleSize: .min, border: .min) == code.svg(moduleSize: 1, border: 0))
    }
}
