/// Reads the top-level members of a small JSON object — the decision
/// payload — straight from its bytes: numbers are kept as their text's
/// value, anything else (strings, booleans, null, arrays, objects) is
/// validated and remembered only by its type, so a mistyped field can be
/// named. No Foundation, no intermediate tree: a request is parsed in one
/// pass without allocating more than the member list.
///
///     let object = try FlatJSON.parse(Array(#"{"entity": 7, "amount": 12.5}"#.utf8))
///     object.number("entity")      // 7.0
///
/// Grammar: RFC 8259, with the top level restricted to an object.
struct FlatJSON {
    enum Value: Equatable {
        case number(Double)
        case string
        case bool
        case null
        case array
        case object

        var typeName: String {
            switch self {
            case .number: "a number"
            case .string: "a string"
            case .bool: "a boolean"
            case .null: "null"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    struct SyntaxError: Error, Equatable {
        var offset: Int
        var message: String
    }

    private(set) var members: [(key: String, value: Value)] = []

    func value(_ key: String) -> Value? { members.last { $0.key == key }?.value }

    /// Parses `bytes` as one JSON object (whitespace around it allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> FlatJSON {
        var p = Parser(bytes: bytes)
        var object = FlatJSON()
        p.skipSpace()
        try p.expect(UInt8(ascii: "{"), "expected a JSON object")
        p.skipSpace()
        if p.peek() == UInt8(ascii: "}") {
            p.index += 1
        } else {
            while true {
                p.skipSpace()
                let key = try p.string(keep: true)
                p.skipSpace()
                try p.expect(UInt8(ascii: ":"), "expected ':' after a member name")
                p.skipSpace()
                let value = try p.value(depth: 0)
                object.members.append((key, value))
                p.skipSpace()
                if p.peek() == UInt8(ascii: ",") { p.index += 1; continue }
                try p.expect(UInt8(ascii: "}"), "expected ',' or '}' in the object")
                break
            }
        }
        p.skipSpace()
        if p.index != bytes.count { throw SyntaxError(offset: p.index, message: "unexpected text after the object") }
        return object
    }

    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> FlatJSON {
        var result: Result<FlatJSON, SyntaxError> = .failure(SyntaxError(offset: 0, message: "empty"))
        bytes.withUnsafeBytes { buffer in
            do throws(SyntaxError) { result = .success(try parse(buffer)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8, _ message: String) throws(SyntaxError) {
            guard peek() == byte else { throw SyntaxError(offset: index, message: message) }
            index += 1
        }

        /// A string; its text only when `keep` (member names), else just validated.
        mutating func string(keep: Bool) throws(SyntaxError) -> String {
            try expect(UInt8(ascii: "\""), "expected a string")
            let start = index
            var escaped = false
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    let text = keep ? Self.decode(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), escaped: escaped) : ""
                    index += 1
                    return text
                }
                if b < 0x20 { throw SyntaxError(offset: index, message: "control character in a string") }
                if b == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                    guard let e = peek() else { break }
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        index += 1
                        for _ in 0..<4 {
                            guard let h = peek(), Self.isHex(h) else { throw SyntaxError(offset: index, message: "bad \\u escape") }
                            index += 1
                        }
                    default:
                        throw SyntaxError(offset: index, message: "bad escape in a string")
                    }
                    continue
                }
                index += 1
            }
            throw SyntaxError(offset: index, message: "unterminated string")
        }

        static func isHex(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
        }

        /// Member names are ASCII in practice; escapes are kept as written
        /// (a name with escapes matches no field the server reads).
        static func decode(_ bytes: UnsafeRawBufferPointer, escaped: Bool) -> String {
            String(decoding: bytes, as: UTF8.self)
        }

        mutating func value(depth: Int) throws(SyntaxError) -> Value {
            guard depth < 64 else { throw SyntaxError(offset: index, message: "nested too deeply") }
            guard let b = peek() else { throw SyntaxError(offset: index, message: "expected a value") }
            switch b {
            case UInt8(ascii: "\""):
                _ = try string(keep: false)
                return .string
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if peek() == UInt8(ascii: "}") { index += 1; return .object }
                while true {
                    skipSpace()
                    _ = try string(keep: false)
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a member name")
                    skipSpace()
                    _ = try value(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
                    return .object
                }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if peek() == UInt8(ascii: "]") { index += 1; return .array }
                while true {
                    skipSpace()
                    _ = try value(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
                    return .array
                }
            case UInt8(ascii: "t"): try literal("true"); return .bool
            case UInt8(ascii: "f"): try literal("false"); return .bool
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let start = index
            for i in 0..<word.utf8CodeUnitCount {
                guard peek() == word.utf8Start[i] else { throw SyntaxError(offset: start, message: "expected a value") }
                index += 1
            }
        }

        /// A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws(SyntaxError) -> Double {
            let start = index
            var negative = false
            if peek() == UInt8(ascii: "-") { negative = true; index += 1 }
            var integer: UInt64 = 0
            var digits = 0
            var exact = true
            guard let first = peek(), first >= 0x30 && first <= 0x39 else {
                throw SyntaxError(offset: start, message: "expected a value")
            }
            if first == 0x30 {
                index += 1
            } else {
                while let d = peek(), d >= 0x30 && d <= 0x39 {
                    if digits < 18 { integer = integer * 10 + UInt64(d - 0x30) } else { exact = false }
                    digits += 1
                    index += 1
                }
            }
            var simple = exact
            if peek() == UInt8(ascii: ".") {
                simple = false
                index += 1
                guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw SyntaxError(offset: index, message: "expected a digit after '.'") }
                while let d = peek(), d >= 0x30 && d <= 0x39 { index += 1 }
            }
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                simple = false
                index += 1
                if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { index += 1 }
                guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw SyntaxError(offset: index, message: "expected a digit in the exponent") }
                while let d = peek(), d >= 0x30 && d <= 0x39 { index += 1 }
            }
            if simple { return negative ? -Double(integer) : Double(integer) }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text) else { throw SyntaxError(offset: start, message: "bad number") }
            return value
        }
    }
}
