/// `xs:duration` (`PT20S`, `PT60.000S`, `P1DT2H`, `P0DT0H1M40S`) to and from `Swift.Duration`.
///
/// Years and months have no fixed length; like WinRM we count a year as 365 days and a month as 30.
public enum XSDuration {
    /// Parses an xs:duration; nil when the text is not one or is negative.
    public static func parse(_ text: String) -> Duration? {
        var scalars = Substring(text.trimmingCharacters(in: " \t\r\n")).unicodeScalars[...]
        guard scalars.first == "P" else { return nil }
        scalars = scalars.dropFirst()
        var inTime = false
        var seconds: Double = 0
        var number = ""
        var sawComponent = false
        for scalar in scalars {
            switch scalar {
            case "0"..."9", ".":
                number.unicodeScalars.append(scalar)
            case "T":
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
            default:
                guard let value = Double(number), value.isFinite else { return nil }
                let unit: Double
                switch (scalar, inTime) {
                case ("Y", false): unit = 365 * 86_400
                case ("M", false): unit = 30 * 86_400
                case ("D", false): unit = 86_400
                case ("H", true): unit = 3_600
                case ("M", true): unit = 60
                case ("S", true): unit = 1
                default: return nil
                }
                if scalar != "S" && number.contains(".") { return nil }
                seconds += value * unit
                number = ""
                sawComponent = true
            }
        }
        guard number.isEmpty, sawComponent, seconds < 1e12 else { return nil }
        let whole = seconds.rounded(.down)
        return .seconds(Int64(whole)) + .nanoseconds(Int64(((seconds - whole) * 1e9).rounded()))
    }

    /// Formats as `PT<seconds>S` with millisecond precision when needed (`PT20S`, `PT1.500S`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = attoseconds / 1_000_000_000_000_000
        if millis == 0 { return "PT\(seconds)S" }
        let fraction = String(millis)
        return "PT\(seconds)." + String(repeating: "0", count: 3 - fraction.count) + fraction + "S"
    }
}
