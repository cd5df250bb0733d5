import Foundation

/// A CIM `datetime` (DSP0004 §5.2.4): a point in time or an interval, with optional `*` wildcards.
///
/// Parses and prints the DMTF string forms (`yyyymmddHHMMSS.mmmmmmsUUU`, `ddddddddHHMMSS.mmmmmm:000`)
/// exactly, and the WS-Management (DSP0230) forms `xs:dateTime` and `xs:duration`.
public enum CIMDateTime: Hashable, Sendable, CustomStringConvertible {
    case timestamp(Timestamp)
    case interval(Interval)

    /// A point in time. A nil field is a wildcard (`**`).
    public struct Timestamp: Hashable, Sendable {
        public var year: Int?
        public var month: Int?
        public var day: Int?
        public var hour: Int?
        public var minute: Int?
        public var second: Int?
        /// Microseconds 0...999_999; digits beyond ``microsecondPrecision`` are zero and print as `*`.
        public var microseconds: Int
        /// How many of the six fraction digits are significant (6 = none is a wildcard).
        public var microsecondPrecision: Int
        /// Offset of the local time from UTC, in minutes (`+060` → 60).
        public var utcOffsetMinutes: Int

        public init(
            year: Int?, month: Int?, day: Int?, hour: Int?, minute: Int?, second: Int?,
            microseconds: Int = 0, microsecondPrecision: Int = 6, utcOffsetMinutes: Int = 0
        ) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
            self.microseconds = microseconds
            self.microsecondPrecision = microsecondPrecision
            self.utcOffsetMinutes = utcOffsetMinutes
        }

        /// True when no field is a wildcard.
        public var isComplete: Bool {
            year != nil && month != nil && day != nil && hour != nil && minute != nil && second != nil
                && microsecondPrecision == 6
        }
    }

    /// A duration. A nil field is a wildcard.
    public struct Interval: Hashable, Sendable {
        public var days: Int?
        public var hours: Int?
        public var minutes: Int?
        public var seconds: Int?
        /// Microseconds 0...999_999; digits beyond ``microsecondPrecision`` print as `*`.
        public var microseconds: Int
        /// How many of the six fraction digits are significant.
        public var microsecondPrecision: Int

        public init(
            days: Int?, hours: Int?, minutes: Int?, seconds: Int?, microseconds: Int = 0,
            microsecondPrecision: Int = 6
        ) {
            self.days = days
            self.hours = hours
            self.minutes = minutes
            self.seconds = seconds
            self.microseconds = microseconds
            self.microsecondPrecision = microsecondPrecision
        }

        /// True when no field is a wildcard.
        public var isComplete: Bool {
            days != nil && hours != nil && minutes != nil && seconds != nil && microsecondPrecision == 6
        }
    }

    // MARK: - Construction

    /// The timestamp of `date`, expressed in local time at `utcOffsetMinutes` from UTC.
    public init(date: Date, utcOffsetMinutes: Int = 0) {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded(.down)
        var micros = Int64(totalMicros) + Int64(utcOffsetMinutes) * 60_000_000
        var seconds = micros / 1_000_000
        micros -= seconds * 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds - days * 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = Self.civil(fromDays: days)
        self = .timestamp(
            Timestamp(
                year: y, month: m, day: d, hour: Int(secondOfDay / 3600), minute: Int(secondOfDay % 3600 / 60),
                second: Int(secondOfDay % 60), microseconds: Int(micros), utcOffsetMinutes: utcOffsetMinutes))
    }

    /// An interval of `seconds` (negative values are clamped to zero; CIM intervals are unsigned).
    public init(intervalSeconds seconds: Double) {
        let total = Int64((max(0, seconds) * 1_000_000).rounded())
        let micros = Int(total % 1_000_000)
        let whole = total / 1_000_000
        self = .interval(
            Interval(
                days: Int(whole / 86_400), hours: Int(whole % 86_400 / 3600), minutes: Int(whole % 3600 / 60),
                seconds: Int(whole % 60), microseconds: micros))
    }

    /// Parses any accepted form: the DMTF string, `xs:dateTime`, or `xs:duration`.
    public init(parsing text: String) throws {
        let trimmed = String(Substring(text).trimmingSpaces)
        if trimmed.utf8.count == 25, Array(trimmed.utf8)[14] == UInt8(ascii: ".") {
            self = try Self(dmtf: trimmed)
        } else if let first = trimmed.utf8.first, first == UInt8(ascii: "P") || first == UInt8(ascii: "-") {
            self = try Self(xsDuration: trimmed)
        } else {
            self = try Self(xsDateTime: trimmed)
        }
    }

    /// Parses the 25-character DMTF form, wildcards included.
    public init(dmtf text: String) throws {
        let b = Array(text.utf8)
        guard b.count == 25, b[14] == UInt8(ascii: ".") else {
            throw CIMError.invalidDateTime("'\(text)' is not a CIM datetime (expected 25 characters)")
        }
        func field(_ from: Int, _ count: Int) throws -> Int? {
            let slice = b[from..<(from + count)]
            if slice.allSatisfy({ $0 == UInt8(ascii: "*") }) { return nil }
            var v = 0
            for c in slice {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else {
                    throw CIMError.invalidDateTime("'\(text)' is not a CIM datetime (bad digit at \(from))")
                }
                v = v * 10 + Int(c - UInt8(ascii: "0"))
            }
            return v
        }
        var precision = 0
        var micros = 0
        var seenStar = false
        for i in 15..<21 {
            let c = b[i]
            if c == UInt8(ascii: "*") {
                seenStar = true
            } else if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), !seenStar {
                precision += 1
            } else {
                throw CIMError.invalidDateTime("'\(text)' is not a CIM datetime (bad microseconds)")
            }
            micros = micros * 10 + (seenStar ? 0 : Int(c - UInt8(ascii: "0")))
        }
        let sign = b[21]
        if sign == UInt8(ascii: ":") {
            guard b[22...24].elementsEqual("000".utf8) else {
                throw CIMError.invalidDateTime("'\(text)': an interval ends in ':000'")
            }
            let iv = Interval(
                days: try field(0, 8), hours: try field(8, 2), minutes: try field(10, 2), seconds: try field(12, 2),
                microseconds: micros, microsecondPrecision: precision)
            if let h = iv.hours, h > 23 { throw CIMError.invalidDateTime("'\(text)': hours out of range") }
            if let m = iv.minutes, m > 59 { throw CIMError.invalidDateTime("'\(text)': minutes out of range") }
            if let s = iv.seconds, s > 59 { throw CIMError.invalidDateTime("'\(text)': seconds out of range") }
            self = .interval(iv)
            return
        }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let offset = try field(22, 3) else {
            throw CIMError.invalidDateTime("'\(text)' is not a CIM datetime (expected +UUU, -UUU or :000)")
        }
        let ts = Timestamp(
            year: try field(0, 4), month: try field(4, 2), day: try field(6, 2), hour: try field(8, 2),
            minute: try field(10, 2), second: try field(12, 2), microseconds: micros,
            microsecondPrecision: precision, utcOffsetMinutes: sign == UInt8(ascii: "-") ? -offset : offset)
        try Self.validate(ts, text)
        self = .timestamp(ts)
    }

    private static func validate(_ ts: Timestamp, _ text: String) throws {
        if let m = ts.month, !(1...12).contains(m) { throw CIMError.invalidDateTime("'\(text)': month out of range") }
        if let d = ts.day, !(1...31).contains(d) { throw CIMError.invalidDateTime("'\(text)': day out of range") }
        if let h = ts.hour, h > 23 { throw CIMError.invalidDateTime("'\(text)': hour out of range") }
        if let m = ts.minute, m > 59 { throw CIMError.invalidDateTime("'\(text)': minute out of range") }
        if let s = ts.second, s > 60 { throw CIMError.invalidDateTime("'\(text)': second out of range") }
    }

    /// Parses `xs:dateTime` (`2014-04-03T14:45:50.46875+08:00`, `…Z`; no zone means UTC) and `xs:date`.
    public init(xsDateTime text: String) throws {
        let b = Array(text.utf8)
        var i = 0
        func fail() -> CIMError { CIMError.invalidDateTime("'\(text)' is not an xs:dateTime") }
        func number(_ count: Int) throws -> Int {
            guard i + count <= b.count else { throw fail() }
            var v = 0
            for _ in 0..<count {
                let c = b[i]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { throw fail() }
                v = v * 10 + Int(c - UInt8(ascii: "0"))
                i += 1
            }
            return v
        }
        func expect(_ c: Character) throws {
            guard i < b.count, b[i] == c.asciiValue else { throw fail() }
            i += 1
        }
        let year = try number(4)
        try expect("-")
        let month = try number(2)
        try expect("-")
        let day = try number(2)
        var hour = 0, minute = 0, second = 0, micros = 0
        if i < b.count, b[i] == UInt8(ascii: "T") {
            i += 1
            hour = try number(2)
            try expect(":")
            minute = try number(2)
            try expect(":")
            second = try number(2)
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                var digits = 0
                while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                    if digits < 6 { micros = micros * 10 + Int(b[i] - UInt8(ascii: "0")) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { throw fail() }
                for _ in min(digits, 6)..<6 { micros *= 10 }
            }
        }
        var offset = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let negative = b[i] == UInt8(ascii: "-")
                i += 1
                let oh = try number(2)
                try expect(":")
                let om = try number(2)
                offset = (oh * 60 + om) * (negative ? -1 : 1)
            }
        }
        guard i == b.count else { throw fail() }
        if hour == 24, minute == 0, second == 0 { hour = 0 }
        let ts = Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microseconds: micros,
            utcOffsetMinutes: offset)
        try Self.validate(ts, text)
        self = .timestamp(ts)
    }

    /// Parses `xs:duration` (`P0DT0H1M40S`, `PT20S`, `PT60.000S`). Years count 365 days, months 30.
    public init(xsDuration text: String) throws {
        let b = Array(text.utf8)
        func fail(_ why: String = "") -> CIMError {
            CIMError.invalidDateTime("'\(text)' is not an xs:duration\(why)")
        }
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "-") { throw fail(" (CIM intervals cannot be negative)") }
        guard i < b.count, b[i] == UInt8(ascii: "P") else { throw fail() }
        i += 1
        var inTime = false
        var totalMicros: Int64 = 0
        var sawComponent = false
        while i < b.count {
            if b[i] == UInt8(ascii: "T") {
                guard !inTime else { throw fail() }
                inTime = true
                i += 1
                continue
            }
            var whole: Int64 = 0
            var digits = 0
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(b[i] - UInt8(ascii: "0")))
                guard !o1, !o2 else { throw fail(" (too large)") }
                whole = s
                digits += 1
                i += 1
            }
            var fraction: Int64 = 0
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                var fd = 0
                while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                    if fd < 6 { fraction = fraction * 10 + Int64(b[i] - UInt8(ascii: "0")) }
                    fd += 1
                    i += 1
                }
                for _ in min(fd, 6)..<6 { fraction *= 10 }
                guard i < b.count, b[i] == UInt8(ascii: "S") else { throw fail() }
            }
            guard digits > 0, i < b.count else { throw fail() }
            let unit: Int64
            switch (b[i], inTime) {
            case (UInt8(ascii: "Y"), false): unit = 365 * 86_400
            case (UInt8(ascii: "M"), false): unit = 30 * 86_400
            case (UInt8(ascii: "D"), false): unit = 86_400
            case (UInt8(ascii: "H"), true): unit = 3600
            case (UInt8(ascii: "M"), true): unit = 60
            case (UInt8(ascii: "S"), true): unit = 1
            default: throw fail()
            }
            i += 1
            let (scaled, o1) = whole.multipliedReportingOverflow(by: unit * 1_000_000)
            let (sum, o2) = totalMicros.addingReportingOverflow(scaled + fraction)
            guard !o1, !o2 else { throw fail(" (too large)") }
            totalMicros = sum
            sawComponent = true
        }
        guard sawComponent else { throw fail() }
        let whole = totalMicros / 1_000_000
        guard whole / 86_400 <= 99_999_999 else { throw fail(" (more than 99999999 days)") }
        self = .interval(
            Interval(
                days: Int(whole / 86_400), hours: Int(whole % 86_400 / 3600), minutes: Int(whole % 3600 / 60),
                seconds: Int(whole % 60), microseconds: Int(totalMicros % 1_000_000)))
    }

    // MARK: - Printing and conversion

    /// The 25-character DMTF form.
    public var dmtfString: String {
        var out = ""
        out.reserveCapacity(25)
        func put(_ v: Int?, _ width: Int) {
            guard let v else {
                out += String(repeating: "*", count: width)
                return
            }
            let s = String(v)
            if s.count < width { out += String(repeating: "0", count: width - s.count) }
            out += s
        }
        func putMicros(_ micros: Int, _ precision: Int) {
            let digits = Array(String(1_000_000 + micros).dropFirst())
            for k in 0..<6 { out.append(k < precision ? digits[k] : "*") }
        }
        switch self {
        case .timestamp(let t):
            put(t.year, 4)
            put(t.month, 2)
            put(t.day, 2)
            put(t.hour, 2)
            put(t.minute, 2)
            put(t.second, 2)
            out += "."
            putMicros(t.microseconds, t.microsecondPrecision)
            out += t.utcOffsetMinutes < 0 ? "-" : "+"
            put(abs(t.utcOffsetMinutes), 3)
        case .interval(let iv):
            put(iv.days, 8)
            put(iv.hours, 2)
            put(iv.minutes, 2)
            put(iv.seconds, 2)
            out += "."
            putMicros(iv.microseconds, iv.microsecondPrecision)
            out += ":000"
        }
        return out
    }

    public var description: String { dmtfString }

    /// True for intervals.
    public var isInterval: Bool {
        if case .interval = self { return true }
        return false
    }

    /// The instant, for a timestamp without wildcards.
    public var date: Date? {
        guard case .timestamp(let t) = self, t.isComplete, let y = t.year, let mo = t.month, let d = t.day,
            let h = t.hour, let mi = t.minute, let s = t.second
        else { return nil }
        let days = Self.days(fromCivil: y, mo, d)
        let local = Double(days * 86_400 + Int64(h * 3600 + mi * 60 + s)) + Double(t.microseconds) / 1_000_000
        return Date(timeIntervalSince1970: local - Double(t.utcOffsetMinutes * 60))
    }

    /// The length in seconds, for an interval without wildcards.
    public var intervalSeconds: Double? {
        guard case .interval(let iv) = self, iv.isComplete, let d = iv.days, let h = iv.hours, let m = iv.minutes,
            let s = iv.seconds
        else { return nil }
        return Double(d * 86_400 + h * 3600 + m * 60 + s) + Double(iv.microseconds) / 1_000_000
    }

    /// The `xs:dateTime` form as Windows prints it (`2014-04-03T14:45:50.46875+08:00`, `…Z` for UTC);
    /// nil for intervals and timestamps with wildcards.
    public var xsDateTime: String? {
        guard case .timestamp(let t) = self, t.isComplete, let y = t.year, let mo = t.month, let d = t.day,
            let h = t.hour, let mi = t.minute, let s = t.second
        else { return nil }
        var out = Self.pad(y, 4) + "-" + Self.pad(mo, 2) + "-" + Self.pad(d, 2)
        out += "T" + Self.pad(h, 2) + ":" + Self.pad(mi, 2) + ":" + Self.pad(s, 2)
        out += Self.fraction(t.microseconds)
        if t.utcOffsetMinutes == 0 {
            out += "Z"
        } else {
            let a = abs(t.utcOffsetMinutes)
            out += (t.utcOffsetMinutes < 0 ? "-" : "+") + Self.pad(a / 60, 2) + ":" + Self.pad(a % 60, 2)
        }
        return out
    }

    /// The `xs:duration` form as Windows prints it (`P0DT0H1M40S`); nil for timestamps and wildcards.
    public var xsDuration: String? {
        guard case .interval(let iv) = self, iv.isComplete, let d = iv.days, let h = iv.hours, let m = iv.minutes,
            let s = iv.seconds
        else { return nil }
        return "P\(d)DT\(h)H\(m)M\(s)\(Self.fraction(iv.microseconds))S"
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func fraction(_ micros: Int) -> String {
        guard micros > 0 else { return "" }
        var digits = String(String(1_000_000 + micros).dropFirst())
        while digits.hasSuffix("0") { digits.removeLast() }
        return "." + digits
    }

    // Howard Hinnant's days-from-civil algorithms, proleptic Gregorian, days since 1970-01-01.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}
