import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An HTML page read back as XML: what the tests check about its markup.
final class ParsedPage: NSObject, XMLParserDelegate {
    private(set) var links: [String] = []
    private(set) var ids: [String] = []
    private(set) var elements: [String: Int] = [:]
    private(set) var text = ""
    private(set) var error: Error?

    /// Parses from `<html` on: the HTML5 DOCTYPE before it is for browsers, not for XML.
    init(path: String) throws {
        super.init()
        let page = try String(contentsOfFile: path, encoding: .utf8)
        let root = page.range(of: "<html").map { String(page[$0.lowerBound...]) } ?? page
        let parser = XMLParser(data: Data(root.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        for (key, value) in attributes {
            if key == "src" || key == "href" || key.hasSuffix(":href") { links.append(value) }
            if key == "id" { ids.append(value) }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
