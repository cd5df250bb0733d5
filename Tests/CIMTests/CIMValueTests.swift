import Testing

@testable import CIM

@Suite struct CIMValueTests {
    @Test(arguments: [
        ("true", "boolean", CIMValue.boolean(true)),
        ("FALSE", "boolean", .boolean(false)),
        ("255", "uint8", .uint8(255)),
        ("-128", "sint8", .sint8(-128)),
        ("65535", "uint16", .uint16(65535)),
        ("-32768", "sint16", .sint16(-32768)),
        ("4294967295", "uint32", .uint32(.max)),
        ("18446744073709551615", "uint64", .uint64(.max)),
        ("-9223372036854775808", "sint64", .sint64(.min)),
        (" 42 ", "uint32", .uint32(42)),
        ("1.5", "real64", .real64(1.5)),
        ("-2.5e3", "real32", .real32(-2500)),
        ("INF", "real64", .real64(.infinity)),
        ("x", "char16", .char16("x")),
        ("hello", "string", .string("hello")),
        ("00000000000500.000000:000", "datetime", .datetime(CIMDateTime(intervalSeconds: 300))),
        ("PT5M", "datetime", .datetime(CIMDateTime(intervalSeconds: 300))),
    ])
    func parses(_ text: String, _ typeName: String, _ expected: CIMValue) throws {
        let value = try CIMValue(parsing: text, as: CIMDataType(parsing: typeName))
        #expect(value == expected)
        #expect(try value.type == CIMDataType(parsing: typeName))
    }

    @Test(arguments: [
        ("256", "uint8", "out of range for uint8"),
        ("-1", "uint32", "out of range for uint32"),
        ("-129", "sint8", "out of range for sint8"),
        ("18446744073709551616", "uint64", "out of range for uint64"),
        ("12a", "uint16", "not a decimal integer"),
        ("", "sint32", "not a decimal integer"),
        ("yes", "boolean", "not a boolean"),
        ("1e39", "real32", "out of range for real32"),
        ("1.2.3", "real64", "not a real number"),
        ("ab", "char16", "single UCS-2 character"),
        ("2014", "datetime", "xs:dateTime"),
        ("C.K=", "reference", "missing key value"),
    ])
    func rejects(_ text: String, _ typeName: String, _ fragment: String) throws {
        let type = try CIMDataType(parsing: typeName)
        #expect {
            _ = try CIMValue(parsing: text, as: type)
        } throws: { error in
            String(describing: error).contains(fragment)
        }
    }

    @Test func arraysAndReferences() throws {
        let v = try CIMValue(parsing: ["1", "2", "3"], as: CIMDataType(parsing: "uint16[]"))
        #expect(v == .array([.uint16(1), .uint16(2), .uint16(3)], elementType: .uint16))
        #expect(v.type == .array(.uint16))
        #expect(v.textValues == ["1", "2", "3"])
        let r = try CIMValue(parsing: #"C.K="v""#, as: CIMDataType(.reference("C")))
        #expect(r.referenceValue?.className == "C")
        #expect(throws: CIMError.self) { _ = try CIMValue(parsing: "x", as: CIMDataType(.instance(nil))) }
    }

    @Test func textAndMOFForms() {
        #expect(CIMValue.boolean(true).textValue == "true")
        #expect(CIMValue.sint16(-4).textValue == "-4")
        #expect(CIMValue.real64(-.infinity).textValue == "-INF")
        #expect(CIMValue.string("a\"b\\c\n").mofLiteral == #""a\"b\\c\n""#)
        #expect(CIMValue.array([.string("x"), .string("y")], elementType: .string).mofLiteral == #"{"x", "y"}"#)
        #expect(CIMValue.char16("'").mofLiteral == #"'\''"#)
    }

    @Test func integerConstructionChecksRange() throws {
        #expect(try CIMValue.integer(Int64(300), as: .uint16) == .uint16(300))
        #expect(throws: CIMError.self) { _ = try CIMValue.integer(Int64(300), as: .uint8) }
        #expect(try CIMValue.integer(negative: true, magnitude: 1 << 63, as: .sint64) == .sint64(.min))
        #expect(throws: CIMError.self) { _ = try CIMValue.integer(negative: true, magnitude: 1, as: .uint64) }
        #expect(throws: CIMError.self) { _ = try CIMValue.integer(UInt64(1), as: .string) }
    }

    @Test(arguments: ["uint16", "uint16[]", "string[4]", "datetime", "Boolean", "REAL64[]"])
    func dataTypeNames(_ name: String) throws {
        let t = try CIMDataType(parsing: name)
        #expect(t.description == name.lowercased())
    }

    @Test func unknownTypeName() {
        #expect(throws: CIMError.self) { _ = try CIMDataType(parsing: "uint24") }
        #expect(throws: CIMError.self) { _ = try CIMDataType(parsing: "string[0]") }
    }

    @Test func instances() {
        var i = CIMInstance(className: "Msvm_X", values: ["InstanceID": .string("a"), "N": nil])
        #expect(i["instanceid"] == .string("a"))
        #expect(i.hasProperty("n") && i["N"] == nil)
        i["Extra"] = .uint8(1)
        i["N"] = .uint16(3)
        #expect(i.propertyNames == ["InstanceID", "N", "Extra"])
        i.removeProperty(named: "n")
        #expect(i.propertyNames == ["InstanceID", "Extra"])
        #expect(i["extra"] == .uint8(1))
        #expect(i.path(keyNames: ["InstanceID"]).description == #"Msvm_X.InstanceID="a""#)
    }
}
