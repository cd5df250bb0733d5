import Foundation

/// Where the compiler's MOF files come from.
enum MOFSourceFile {
    /// The file's text as UTF-8: UTF-8 as it is, UTF-16 with a byte-order mark converted; nil when
    /// the file cannot be read.
    static func contents(atPath path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) else { return bytes }
        let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
        return Array((String(data: Data(bytes.dropFirst(2)), encoding: encoding) ?? "").utf8)
    }

    /// The path `#pragma include("name")` in the file at `path` names: relative names are relative to
    /// the including file's directory. Plain string work: `URL(fileURLWithPath:)` asks the file system
    /// whether each path is a directory, which for a schema of 1,600 files is a cost of its own.
    static func includePath(_ name: String, from path: String) -> String {
        if name.hasPrefix("/") { return name }
        guard let slash = path.lastIndex(of: "/") else { return name }
        return path[...slash] + name
    }
}
