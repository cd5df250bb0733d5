import Foundation
import Testing

@testable import CIM

@Suite struct CIMDateTimeTests {
    @Test(arguments: [
        "20140403144550.468750+480",
        "20240501102030.123000+000",
        "19991231235959.999999-300",
        "00000000183000.000000:000",
        "00000000000500.000000:000",
        "12345678235959.000001:000",
    ])
    func dmtfRoundTrip(_ text: String) throws {
        #expect(try CIMDateTime(dmtf: text).dmtfString == text)
    }

    @Test(arguments: [
        "2014**********.******+000",
        "20140403******.******+060",
        "20140403144550.123***+000",
        "********183000.******:000",
        "00000001******.******:000",
    ])
    func wildcardsRoundTrip(_ text: String) throws {
        let dt = try CIMDateTime(dmtf: text)
        #expect(dt.dmtfString == text)
        #expect(dt.date == nil)
        #expect(dt.xsDateTime == nil)
        #expect(dt.xsDuration == nil)
    }

    @Test func wildcardFieldsAreNil() throws {
        guard case .timestamp(let t) = try CIMDateTime(dmtf: "20140403******.123***+060") else {
            Issue.record("expected a timestamp")
            return
        }
        #expect(t.year == 2014 && t.month == 4 && t.day == 3)
        #expect(t.hour == nil && t.minute == nil && t.second == nil)
        #expect(t.microseconds == 123_000 && t.microsecondPrecision == 3)
        #expect(t.utcOffsetMinutes == 60)
    }

    @Test(arguments: [
        ("2014040314455.468750+480", "25 characters"),
        ("20141303144550.468750+480", "month"),
        ("20140403254550.468750+480", "hour"),
        ("2014040314455x.468750+480", "digit"),
        ("20140403144550.4687*0+480", "microseconds"),
        ("00000000183000.000000:001", ":000"),
        ("20140403144550.468750*480", "+UUU"),
    ])
    func dmtfErrors(_ text: String, _ fragment: String) {
        #expect {
            _ = try CIMDateTime(dmtf: text)
        } throws: { error in
            String(describing: error).contains(fragment)
        }
    }

    @Test func timestampToDate() throws {
        let dt = try CIMDateTime(dmtf: "20140403144550.468750+480")
        let date = try #require(dt.date)
        // 14:45:50.46875 at +08:00 is 06:45:50.46875 UTC.
        #expect(abs(date.timeIntervalSince1970 - 1_396_507_550.46875) < 1e-6)
        #expect(CIMDateTime(date: date, utcOffsetMinutes: 480) == dt)
        #expect(CIMDateTime(date: date).dmtfString == "20140403064550.468750+000")
    }

    @Test func datesBeforeEpochAndLeapDays() throws {
        let dt = try CIMDateTime(dmtf: "19600229120000.000000+000")
        let date = try #require(dt.date)
        #expect(CIMDateTime(date: date) == dt)
        #expect(CIMDateTime(date: Date(timeIntervalSince1970: 0)).dmtfString == "19700101000000.000000+000")
    }

    @Test(arguments: [
        ("2014-04-03T14:45:50.46875+08:00", "20140403144550.468750+480", "2014-04-03T14:45:50.46875+08:00"),
        ("2024-05-01T10:20:30.123Z", "20240501102030.123000+000", "2024-05-01T10:20:30.123Z"),
        ("2024-05-01T10:20:30Z", "20240501102030.000000+000", "2024-05-01T10:20:30Z"),
        ("2024-05-01T10:20:30", "20240501102030.000000+000", "2024-05-01T10:20:30Z"),
        ("2024-05-01T10:20:30-05:30", "20240501102030.000000-330", "2024-05-01T10:20:30-05:30"),
        ("2024-05-01T10:20:30.1234567Z", "20240501102030.123456+000", "2024-05-01T10:20:30.123456Z"),
    ])
    func xsDateTime(_ xs: String, _ dmtf: String, _ printed: String) throws {
        let dt = try CIMDateTime(xsDateTime: xs)
        #expect(dt.dmtfString == dmtf)
        #expect(dt.xsDateTime == printed)
        #expect(try CIMDateTime(parsing: xs) == dt)
    }

    @Test(arguments: [
        ("P0DT0H1M40S", "00000000000140.000000:000", "P0DT0H1M40S"),
        ("PT20S", "00000000000020.000000:000", "P0DT0H0M20S"),
        ("PT60.000S", "00000000000100.000000:000", "P0DT0H1M0S"),
        ("P1DT2H3M4.5S", "00000001020304.500000:000", "P1DT2H3M4.5S"),
        ("PT36H", "00000001120000.000000:000", "P1DT12H0M0S"),
        ("P2D", "00000002000000.000000:000", "P2DT0H0M0S"),
    ])
    func xsDuration(_ xs: String, _ dmtf: String, _ printed: String) throws {
        let dt = try CIMDateTime(xsDuration: xs)
        #expect(dt.dmtfString == dmtf)
        #expect(dt.xsDuration == printed)
        #expect(try CIMDateTime(parsing: xs) == dt)
    }

    @Test(arguments: ["", "P", "PT", "P1H", "-PT5S", "PT5", "2014-13-01T00:00:00Z", "2014-04-03 14:45:50", "hello"])
    func badWSManForms(_ text: String) {
        #expect(throws: CIMError.self) { _ = try CIMDateTime(parsing: text) }
    }

    @Test func intervalSeconds() throws {
        let dt = CIMDateTime(intervalSeconds: 90_061.25)
        #expect(dt.dmtfString == "00000001010101.250000:000")
        #expect(dt.intervalSeconds == 90_061.25)
        #expect(try CIMDateTime(dmtf: "00000000000500.000000:000").intervalSeconds == 300)
    }
}
