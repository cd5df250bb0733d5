import CIM
import Foundation
import Testing
@testable import WSMan
import XML

/// A small schema in root/virtualization/v2 with every CIM type, arrays, a reference, datetimes, an
/// embedded instance and keys.
private enum ConversionSchema {
    static let namespace = CIMNamespace.virtualizationV2

    static func key() -> CIMQualifier { CIMQualifier(name: "Key", value: .boolean(true)) }

    static let repository: SchemaRepository = {
        var builder = SchemaRepository.Builder()
        builder.addClass(CIMClass(name: "Lab_Target", properties: [
            CIMProperty(name: "Name", dataType: CIMDataType(.string), qualifiers: [key()]),
            CIMProperty(name: "Index", dataType: CIMDataType(.uint32), qualifiers: [key()]),
            CIMProperty(name: "Caption", dataType: CIMDataType(.string)),
        ]), in: namespace)
        builder.addClass(CIMClass(name: "Lab_SpecialTarget", superclassName: "Lab_Target"), in: namespace)
        builder.addClass(CIMClass(name: "Lab_Other", properties: [
            CIMProperty(name: "Name", dataType: CIMDataType(.string), qualifiers: [key()]),
        ]), in: namespace)
        builder.addClass(CIMClass(name: "Msvm_ReplicationSettingData", properties: [
            CIMProperty(name: "InstanceID", dataType: CIMDataType(.string), qualifiers: [key()]),
            CIMProperty(name: "RecoveryConnectionPoint", dataType: CIMDataType(.string)),
            CIMProperty(name: "RecoveryServerPortNumber", dataType: CIMDataType(.uint16)),
            CIMProperty(name: "AuthenticationType", dataType: CIMDataType(.uint16)),
            CIMProperty(name: "ReplicationInterval", dataType: CIMDataType(.uint16)),
            CIMProperty(name: "CompressionEnabled", dataType: CIMDataType(.boolean)),
            CIMProperty(name: "LastChange", dataType: CIMDataType(.datetime)),
        ]), in: namespace)
        builder.addClass(CIMClass(name: "Lab_Everything", properties: [
            CIMProperty(name: "InstanceID", dataType: CIMDataType(.string), qualifiers: [key()]),
            CIMProperty(name: "Flag", dataType: CIMDataType(.boolean)),
            CIMProperty(name: "U8", dataType: CIMDataType(.uint8)),
            CIMProperty(name: "S8", dataType: CIMDataType(.sint8)),
            CIMProperty(name: "U16", dataType: CIMDataType(.uint16)),
            CIMProperty(name: "S16", dataType: CIMDataType(.sint16)),
            CIMProperty(name: "U32", dataType: CIMDataType(.uint32)),
            CIMProperty(name: "S32", dataType: CIMDataType(.sint32)),
            CIMProperty(name: "U64", dataType: CIMDataType(.uint64)),
            CIMProperty(name: "S64", dataType: CIMDataType(.sint64)),
            CIMProperty(name: "R32", dataType: CIMDataType(.real32)),
            CIMProperty(name: "R64", dataType: CIMDataType(.real64)),
            CIMProperty(name: "C16", dataType: CIMDataType(.char16)),
            CIMProperty(name: "Text", dataType: CIMDataType(.string)),
            CIMProperty(name: "When", dataType: CIMDataType(.datetime)),
            CIMProperty(name: "Span", dataType: CIMDataType(.datetime)),
            CIMProperty(name: "Target", dataType: CIMDataType(.reference("Lab_Target"))),
            CIMProperty(name: "Settings", dataType: CIMDataType(.string), qualifiers: [
                CIMQualifier(name: "EmbeddedInstance", value: .string("Msvm_ReplicationSettingData")),
            ]),
            CIMProperty(name: "Anything", dataType: CIMDataType(.string), qualifiers: [
                CIMQualifier(name: "EmbeddedObject", value: .boolean(true)),
            ]),
            CIMProperty(name: "Ports", dataType: .array(.uint16)),
            CIMProperty(name: "Names", dataType: .array(.string)),
            CIMProperty(name: "Missing", dataType: CIMDataType(.string)),
        ]), in: namespace)
        builder.addClass(CIMClass(name: "Lab_Host", qualifiers: [CIMQualifier(name: "Singleton",
                                                                              value: .boolean(true))],
                                  properties: [CIMProperty(name: "Name", dataType: CIMDataType(.string))]),
                         in: namespace)
        return builder.build().repository
    }()
}

private let schema = ConversionSchema.repository
private let ns = ConversionSchema.namespace

private func convert(_ value: WSManValue, _ type: CIMDataType, embedded: String? = nil,
                     mof: ((String) throws -> CIMInstance)? = nil) throws(WSManFault) -> CIMValue? {
    try value.cimValue(as: type, embeddedInstanceClass: embedded, schema: schema, namespace: ns,
                       mofInstanceParser: mof)
}

private func timestamp(_ text: String) -> CIMValue {
    (try? CIMDateTime(parsing: text)).map(CIMValue.datetime) ?? .string("bad datetime fixture")
}

private let targetPath = CIMObjectPath(namespace: ns, className: "Lab_Target",
                                       keys: ["Name": .string("t1"), "Index": .uint32(7)])

private let settings = CIMInstance(className: "Msvm_ReplicationSettingData", properties: [
    .init(name: "InstanceID", value: .string("Microsoft:S1"), type: CIMDataType(.string)),
    .init(name: "RecoveryConnectionPoint", value: .string("replica.lab.local"), type: CIMDataType(.string)),
    .init(name: "RecoveryServerPortNumber", value: .uint16(80), type: CIMDataType(.uint16)),
    .init(name: "AuthenticationType", value: .uint16(1), type: CIMDataType(.uint16)),
    .init(name: "ReplicationInterval", value: nil, type: CIMDataType(.uint16)),
    .init(name: "CompressionEnabled", value: .boolean(true), type: CIMDataType(.boolean)),
    .init(name: "LastChange", value: timestamp("20240501102030.123456+060"), type: CIMDataType(.datetime)),
])

/// An instance of Lab_Everything with a value of every type, in class order and typed as declared.
private let everything = CIMInstance(className: "Lab_Everything", properties: [
    .init(name: "InstanceID", value: .string("Lab:<&>\"1\""), type: CIMDataType(.string)),
    .init(name: "Flag", value: .boolean(false), type: CIMDataType(.boolean)),
    .init(name: "U8", value: .uint8(255), type: CIMDataType(.uint8)),
    .init(name: "S8", value: .sint8(-128), type: CIMDataType(.sint8)),
    .init(name: "U16", value: .uint16(65535), type: CIMDataType(.uint16)),
    .init(name: "S16", value: .sint16(-32768), type: CIMDataType(.sint16)),
    .init(name: "U32", value: .uint32(4_294_967_295), type: CIMDataType(.uint32)),
    .init(name: "S32", value: .sint32(Int32.min), type: CIMDataType(.sint32)),
    .init(name: "U64", value: .uint64(UInt64.max), type: CIMDataType(.uint64)),
    .init(name: "S64", value: .sint64(Int64.min), type: CIMDataType(.sint64)),
    .init(name: "R32", value: .real32(0.1), type: CIMDataType(.real32)),
    .init(name: "R64", value: .real64(1.0 / 3.0), type: CIMDataType(.real64)),
    .init(name: "C16", value: .char16("é"), type: CIMDataType(.char16)),
    .init(name: "Text", value: .string("a <b> & \"c\"\n"), type: CIMDataType(.string)),
    .init(name: "When", value: timestamp("2024-05-01T10:20:30.5Z"), type: CIMDataType(.datetime)),
    .init(name: "Span", value: timestamp("P1DT2H3M4.25S"), type: CIMDataType(.datetime)),
    .init(name: "Target", value: .reference(targetPath), type: CIMDataType(.reference("Lab_Target"))),
    .init(name: "Settings", value: .instance(settings), type: CIMDataType(.string)),
    .init(name: "Anything", value: nil, type: CIMDataType(.string)),
    .init(name: "Ports", value: .array([.uint16(80), .uint16(443)], elementType: .uint16),
          type: .array(.uint16)),
    .init(name: "Names", value: .array([], elementType: .string), type: .array(.string)),
    .init(name: "Missing", value: nil, type: CIMDataType(.string)),
])

struct ConversionTests {
    // MARK: Wire → CIM, scalars

    struct ScalarCase: Sendable, CustomStringConvertible {
        let type: CIMDataType
        let text: String
        let expected: CIMValue
        var description: String { "\(type) \(text)" }
    }

    static let scalarCases: [ScalarCase] = [
        ScalarCase(type: CIMDataType(.boolean), text: "TRUE", expected: .boolean(true)),
        ScalarCase(type: CIMDataType(.boolean), text: "false", expected: .boolean(false)),
        ScalarCase(type: CIMDataType(.uint8), text: "200", expected: .uint8(200)),
        ScalarCase(type: CIMDataType(.sint8), text: "-5", expected: .sint8(-5)),
        ScalarCase(type: CIMDataType(.uint16), text: "80", expected: .uint16(80)),
        ScalarCase(type: CIMDataType(.sint16), text: "-300", expected: .sint16(-300)),
        ScalarCase(type: CIMDataType(.uint32), text: "4294967295", expected: .uint32(.max)),
        ScalarCase(type: CIMDataType(.sint32), text: "-2147483648", expected: .sint32(.min)),
        ScalarCase(type: CIMDataType(.uint64), text: "18446744073709551615", expected: .uint64(.max)),
        ScalarCase(type: CIMDataType(.sint64), text: "-9223372036854775808", expected: .sint64(.min)),
        ScalarCase(type: CIMDataType(.real32), text: "1.5", expected: .real32(1.5)),
        ScalarCase(type: CIMDataType(.real64), text: "-2.5e3", expected: .real64(-2500)),
        ScalarCase(type: CIMDataType(.char16), text: "x", expected: .char16("x")),
        ScalarCase(type: CIMDataType(.string), text: " spaced ", expected: .string(" spaced ")),
        ScalarCase(type: CIMDataType(.datetime), text: "20240501102030.000000+000",
                   expected: timestamp("2024-05-01T10:20:30Z")),
        ScalarCase(type: CIMDataType(.datetime), text: "P0DT0H1M40S",
                   expected: timestamp("00000000000140.000000:000")),
        ScalarCase(type: CIMDataType(.reference("Lab_Target")),
                   text: "\\\\HV01\\root\\virtualization\\v2:Lab_Target.Name=\"t1\",Index=7",
                   expected: .reference(CIMObjectPath(host: "HV01", namespace: ns, className: "Lab_Target",
                                                      keys: ["Name": .string("t1"), "Index": .uint64(7)]))),
        ScalarCase(type: .array(.uint16), text: "443", expected: .array([.uint16(443)], elementType: .uint16)),
    ]

    @Test("text typed by the declared type", arguments: scalarCases)
    func textToCIM(_ row: ScalarCase) throws {
        #expect(try convert(.text(row.text), row.type) == row.expected)
    }

    @Test("null is CIM null, for scalars and arrays")
    func nullIsNil() throws {
        #expect(try convert(.null, CIMDataType(.uint16)) == nil)
        #expect(try convert(.null, .array(.string)) == nil)
        #expect(try convert(.null, CIMDataType(.string), embedded: "Msvm_ReplicationSettingData") == nil)
    }

    @Test("arrays: repeated elements, one element, and too many values for a scalar")
    func arrays() throws {
        #expect(try convert(.array([.text("1"), .text("2")]), .array(.uint8))
            == .array([.uint8(1), .uint8(2)], elementType: .uint8))
        #expect(try convert(.array([]), .array(.uint8)) == .array([], elementType: .uint8))
        #expect(try convert(.array([.text("9")]), CIMDataType(.uint8)) == .uint8(9))
        #expect(throws: WSManFault.self) { try convert(.array([.text("1"), .text("2")]), CIMDataType(.uint8)) }
    }

    struct DateCase: Sendable, CustomStringConvertible {
        let form: WSManValue.DateTimeForm
        let text: String
        let dmtf: String
        var description: String { "\(form.rawValue) \(text)" }
    }

    static let dateCases: [DateCase] = [
        DateCase(form: .datetime, text: "2024-05-01T10:20:30.123Z", dmtf: "20240501102030.123000+000"),
        DateCase(form: .datetime, text: "2014-04-03T14:45:50.46875+08:00", dmtf: "20140403144550.468750+480"),
        DateCase(form: .interval, text: "P0DT0H1M40S", dmtf: "00000000000140.000000:000"),
        DateCase(form: .interval, text: "P3DT4H5M6.5S", dmtf: "00000003040506.500000:000"),
        DateCase(form: .cimDateTime, text: "20240501102030.000000-300", dmtf: "20240501102030.000000-300"),
    ]

    @Test("cim:Datetime, cim:Interval and cim:CIM_DateTime become CIMDateTime", arguments: dateCases)
    func dateTimeForms(_ row: DateCase) throws {
        let value = try convert(.dateTime(row.form, row.text), CIMDataType(.datetime))
        #expect(value?.dateTimeValue?.dmtfString == row.dmtf)
    }

    // MARK: References

    @Test("an EPR becomes an object path in the request's namespace")
    func eprToPath() throws {
        let epr = EndpointReference(
            resourceURI: ResourceURI.dmtf(className: "Lab_SpecialTarget"),
            selectors: [WSManSelector("Name", "t2"), WSManSelector("Index", "3")])
        let value = try convert(.reference(epr), CIMDataType(.reference("Lab_Target")))
        #expect(value?.referenceValue?.className == "Lab_SpecialTarget")
        #expect(value?.referenceValue?.namespace == ns)
        #expect(value?.referenceValue?[key: "Name"] == .string("t2"))
    }

    @Test("a reference to an unrelated class is refused, naming the expected class")
    func referenceClassMismatch() {
        let epr = CIMObjectPath(namespace: ns, className: "Lab_Other", keys: ["Name": .string("x")])
            .endpointReference(defaultNamespace: ns)
        #expect {
            try convert(.reference(epr), CIMDataType(.reference("Lab_Target")))
        } throws: { error in
            guard let fault = error as? WSManFault else { return false }
            return fault.wsmanCode == 2_150_858_810 && fault.reason.contains("Lab_Target REF")
        }
    }

    @Test("CIMObjectPath → EPR: WMI URI, key selectors and __cimnamespace")
    func pathToEPR() throws {
        let epr = targetPath.relativePath.endpointReference(defaultNamespace: ns)
        #expect(epr.resourceURI == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Lab_Target")
        #expect(epr.selectors["Name"] == .text("t1"))
        #expect(epr.selectors["Index"] == .text("7"))
        #expect(epr.selectors.cimNamespace == "root/virtualization/v2")
        #expect(try epr.objectPath() == targetPath)
    }

    // MARK: Embedded instances

    @Test("the CIM-XML ReplicationSettingData of a pypsrp request is typed by its class")
    func fixtureEmbeddedInstance() throws {
        let bytes = try WireFixtures.bytes("pypsrp-basic-invoke-CreateReplicationRelationship")
        let request = try WSManRequestDecoder().decode(bytes)
        guard case .invoke(_, let parameters) = request.operation,
              let parameter = parameters.first(where: { $0.name == "ReplicationSettingData" })
        else {
            Issue.record("no ReplicationSettingData parameter in \(request.operation)")
            return
        }
        let value = try convert(parameter.value, CIMDataType(.string), embedded: "Msvm_ReplicationSettingData")
        let instance = try #require(value?.instanceValue)
        #expect(instance.className == "Msvm_ReplicationSettingData")
        #expect(instance["RecoveryConnectionPoint"] == .string("replica.lab.local"))
        #expect(instance["RecoveryServerPortNumber"] == .uint16(80))
        #expect(instance["AuthenticationType"] == .uint16(1))
        #expect(instance["ReplicationInterval"] == .uint16(300))
        #expect(instance["CompressionEnabled"] == .boolean(true))
        #expect(instance.property(named: "ReplicationInterval")?.type == CIMDataType(.uint16))
    }

    @Test("embedded instance text given as a plain string value is decoded as CIM-XML")
    func embeddedFromText() throws {
        let text = CIMXMLInstanceCodec().encode(settings.wsmanInstance(schema: schema, namespace: ns))
        let value = try convert(.text(text), CIMDataType(.string), embedded: "Msvm_ReplicationSettingData")
        #expect(value == .instance(settings))
    }

    @Test("an embedded instance of the wrong class is refused")
    func embeddedWrongClass() {
        let wire = WSManInstance(className: "Lab_Other", properties: [WSManProperty(name: "Name", value: .text("x"))])
        #expect(throws: WSManFault.self) {
            try convert(.instance(wire), CIMDataType(.string), embedded: "Msvm_ReplicationSettingData")
        }
    }

    @Test("an EmbeddedObject property takes an instance of any known class")
    func embeddedObject() throws {
        let declaration = try #require(schema.class(named: "Lab_Everything", in: ns)?.property(named: "Anything"))
        #expect(declaration.wsmanEmbeddedInstanceClass == "")
        let wire = WSManInstance(className: "Lab_Other", properties: [WSManProperty(name: "Name", value: .text("x"))])
        let value = try convert(.instance(wire), declaration.dataType,
                                embedded: declaration.wsmanEmbeddedInstanceClass)
        #expect(value == .instance(CIMInstance(className: "Lab_Other", properties: [
            .init(name: "Name", value: .string("x"), type: CIMDataType(.string)),
        ])))
        let plain = try #require(schema.class(named: "Lab_Everything", in: ns)?.property(named: "Text"))
        #expect(plain.wsmanEmbeddedInstanceClass == nil)
    }

    @Test("MOF embedded instances go to the parser closure, or fault without one")
    func embeddedMOF() throws {
        let mof = "instance of Msvm_ReplicationSettingData { InstanceID = \"m\"; };"
        let parsed = CIMInstance(className: "Msvm_ReplicationSettingData", values: ["InstanceID": .string("m")])
        let value = try convert(.mof(mof), CIMDataType(.string), embedded: "Msvm_ReplicationSettingData") { text in
            #expect(text == mof)
            return parsed
        }
        #expect(value == .instance(parsed))
        #expect(throws: WSManFault.self) {
            try convert(.mof(mof), CIMDataType(.string), embedded: "Msvm_ReplicationSettingData")
        }
    }

    // MARK: Faults

    struct WrongCase: Sendable, CustomStringConvertible {
        let type: CIMDataType
        let value: WSManValue
        let expectedTypeText: String
        var description: String { "\(type) \(value)" }
    }

    static let wrongCases: [WrongCase] = [
        WrongCase(type: CIMDataType(.uint16), value: .text("abc"), expectedTypeText: "uint16"),
        WrongCase(type: CIMDataType(.uint8), value: .text("256"), expectedTypeText: "uint8"),
        WrongCase(type: CIMDataType(.boolean), value: .text("yes"), expectedTypeText: "boolean"),
        WrongCase(type: CIMDataType(.char16), value: .text("ab"), expectedTypeText: "char16"),
        WrongCase(type: CIMDataType(.datetime), value: .text("yesterday"), expectedTypeText: "datetime"),
        WrongCase(type: CIMDataType(.uint32), value: .dateTime(.datetime, "2024-05-01T00:00:00Z"),
                  expectedTypeText: "uint32"),
        WrongCase(type: CIMDataType(.string), value: .reference(EndpointReference(
            resourceURI: ResourceURI.dmtf(className: "Lab_Target"), selectors: [])), expectedTypeText: "string"),
        WrongCase(type: CIMDataType(.reference("Lab_Target")), value: .text("not a path!"),
                  expectedTypeText: "Lab_Target REF"),
    ]

    @Test("wrong types are invalidParameter faults naming the property and the expected type",
          arguments: wrongCases)
    func wrongTypes(_ row: WrongCase) {
        #expect {
            try row.value.cimValue(as: row.type, embeddedInstanceClass: nil, schema: schema, namespace: ns,
                                   mofInstanceParser: nil, named: "Prop")
        } throws: { error in
            guard let fault = error as? WSManFault else { return false }
            return fault.wsmanCode == 2_150_858_810 && fault.subcode?.localName == "InvalidParameter"
                && fault.reason.contains("'Prop'") && fault.reason.contains(row.expectedTypeText)
        }
    }

    @Test("an unknown property is refused, naming it")
    func unknownProperty() {
        let wire = WSManInstance(className: "Lab_Target",
                                 properties: [WSManProperty(name: "Bogus", value: .text("1"))])
        #expect {
            try wire.cimInstance(schema: schema, namespace: ns, expectedClass: nil, mofInstanceParser: nil)
        } throws: { error in
            (error as? WSManFault)?.wsmanCode == 2_150_858_810 && "\(error)".contains("Bogus")
        }
    }

    @Test("an unknown class and a class outside the expected one are refused")
    func classChecks() throws {
        let unknown = WSManInstance(className: "Lab_Nope", properties: [])
        #expect {
            try unknown.cimInstance(schema: schema, namespace: ns, expectedClass: nil, mofInstanceParser: nil)
        } throws: { error in
            (error as? WSManFault)?.wmiError?.errorCode == 0x8004_1010
        }
        let other = WSManInstance(className: "Lab_Other", properties: [])
        #expect(throws: WSManFault.self) {
            try other.cimInstance(schema: schema, namespace: ns, expectedClass: "Lab_Target", mofInstanceParser: nil)
        }
        let special = WSManInstance(className: "lab_specialtarget", properties: [
            WSManProperty(name: "index", value: .text("4")),
        ])
        #expect(try special.cimInstance(schema: schema, namespace: ns, expectedClass: "Lab_Target",
                                         mofInstanceParser: nil)
            == CIMInstance(className: "Lab_SpecialTarget", properties: [
                .init(name: "Index", value: .uint32(4), type: CIMDataType(.uint32)),
            ]))
    }

    // MARK: Selectors

    @Test("selectors become a typed path in key order, ignoring __cimnamespace")
    func selectorsToPath() throws {
        let selectors: SelectorSet = [WSManSelector("index", "7"), WSManSelector("__cimnamespace", "root/cimv2"),
                                      WSManSelector("NAME", "t1")]
        let path = try selectors.objectPath(className: "lab_target", namespace: ns, schema: schema)
        #expect(path == targetPath)
        #expect(path.keyBindings.map(\.name) == ["Name", "Index"])
        #expect(path[key: "Index"] == .uint32(7))
        #expect(path.className == "Lab_Target")
    }

    struct SelectorFaultCase: Sendable, CustomStringConvertible {
        let label: String
        let className: String
        let selectors: SelectorSet
        let code: UInt32
        let mentions: String
        var description: String { label }
    }

    static let selectorFaults: [SelectorFaultCase] = [
        SelectorFaultCase(label: "unknown selector", className: "Lab_Target",
                          selectors: [WSManSelector("Name", "t"), WSManSelector("Index", "1"),
                                      WSManSelector("Bad", "x")],
                          code: 2_150_858_813, mentions: "Bad"),
        SelectorFaultCase(label: "non-key property", className: "Lab_Target",
                          selectors: [WSManSelector("Name", "t"), WSManSelector("Caption", "x")],
                          code: 2_150_858_813, mentions: "Caption"),
        SelectorFaultCase(label: "missing key", className: "Lab_Target", selectors: [WSManSelector("Name", "t")],
                          code: 2_150_858_813, mentions: "Index"),
        SelectorFaultCase(label: "untyped key value", className: "Lab_Target",
                          selectors: [WSManSelector("Name", "t"), WSManSelector("Index", "seven")],
                          code: 2_150_858_813, mentions: "Index"),
        SelectorFaultCase(label: "no selectors", className: "Lab_Target", selectors: [],
                          code: 2_150_859_002, mentions: "Lab_Target"),
        SelectorFaultCase(label: "only __cimnamespace", className: "Lab_Target",
                          selectors: [WSManSelector("__cimnamespace", "root/virtualization/v2")],
                          code: 2_150_859_002, mentions: "Lab_Target"),
    ]

    @Test("selector faults", arguments: selectorFaults)
    func selectorFault(_ row: SelectorFaultCase) {
        #expect {
            try row.selectors.objectPath(className: row.className, namespace: ns, schema: schema)
        } throws: { error in
            guard let fault = error as? WSManFault else { return false }
            return fault.wsmanCode == row.code && fault.subcode?.localName == "InvalidSelectors"
                && fault.reason.contains(row.mentions)
        }
    }

    @Test("a singleton class without selectors is the singleton path")
    func singleton() throws {
        let path = try SelectorSet().objectPath(className: "Lab_Host", namespace: ns, schema: schema)
        #expect(path.isSingleton)
        #expect(path.description == "root\\virtualization\\v2:Lab_Host=@")
    }

    // MARK: CIM → wire

    struct RenderCase: Sendable, CustomStringConvertible {
        let value: CIMValue
        let expected: WSManValue
        var description: String { "\(value)" }
    }

    static let renderCases: [RenderCase] = [
        RenderCase(value: .boolean(true), expected: .text("true")),
        RenderCase(value: .boolean(false), expected: .text("false")),
        RenderCase(value: .sint8(-1), expected: .text("-1")),
        RenderCase(value: .uint64(.max), expected: .text("18446744073709551615")),
        RenderCase(value: .real32(0.1), expected: .text("0.1")),
        RenderCase(value: .real64(1e-300), expected: .text("1e-300")),
        RenderCase(value: .real64(.infinity), expected: .text("INF")),
        RenderCase(value: .real64(-.infinity), expected: .text("-INF")),
        RenderCase(value: .real64(.nan), expected: .text("NaN")),
        RenderCase(value: .char16("q"), expected: .text("q")),
        RenderCase(value: timestamp("20240501102030.500000+000"),
                   expected: .dateTime(.datetime, "2024-05-01T10:20:30.5Z")),
        RenderCase(value: timestamp("00000000000140.000000:000"), expected: .dateTime(.interval, "P0DT0H1M40S")),
        RenderCase(value: timestamp("2024**********.******+000"),
                   expected: .dateTime(.cimDateTime, "2024**********.******+000")),
        RenderCase(value: .array([.uint16(1), .uint16(2)], elementType: .uint16),
                   expected: .array([.text("1"), .text("2")])),
        RenderCase(value: .reference(targetPath), expected: .reference(EndpointReference(
            resourceURI: .wmi(namespace: "root/virtualization/v2", className: "Lab_Target"),
            selectors: [WSManSelector("Name", "t1"), WSManSelector("Index", "7"),
                        WSManSelector("__cimnamespace", "root/virtualization/v2")]))),
    ]

    @Test("CIM values render as DSP0230 wire values", arguments: renderCases)
    func render(_ row: RenderCase) {
        #expect(row.value.wsmanValue(namespace: ns) == row.expected)
    }

    @Test("reals render in a form that parses back to the same value", arguments: [Double]([
        0.1, 1.0 / 3.0, 123_456_789.123_456_78, .leastNonzeroMagnitude, -1.7976931348623157e308,
    ]))
    func realsRoundTrip(_ real: Double) throws {
        let wire = CIMValue.real64(real).wsmanValue(namespace: ns)
        #expect(try convert(wire, CIMDataType(.real64)) == .real64(real))
        let float = Float(real)
        guard float.isFinite else { return }
        #expect(try convert(CIMValue.real32(float).wsmanValue(namespace: ns), CIMDataType(.real32)) == .real32(float))
    }

    @Test("an instance renders in class order with nulls, a WMI URI, CIM-XML embedded instances")
    func renderInstance() throws {
        var sparse = CIMInstance(className: "lab_target")
        sparse["Caption"] = .string("c")
        sparse["Name"] = .string("n")
        let wire = sparse.wsmanInstance(schema: schema, namespace: ns)
        #expect(wire.className == "Lab_Target")
        #expect(wire.namespaceURI
            == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Lab_Target")
        #expect(wire.properties.map(\.name) == ["Name", "Index", "Caption"])
        #expect(wire.properties.map(\.value) == [.text("n"), .null, .text("c")])
        let projected = sparse.wsmanInstance(schema: schema, namespace: ns, properties: ["caption"])
        #expect(projected.properties.map(\.name) == ["Caption"])

        let full = everything.wsmanInstance(schema: schema, namespace: ns)
        guard case .instance(let embedded)? = full["Settings"]?.value else {
            Issue.record("Settings is not an instance: \(String(describing: full["Settings"]))")
            return
        }
        #expect(embedded.form == .cimXML)
        #expect(embedded["LastChange"]?.value == .dateTime(.cimDateTime, "20240501102030.123456+060"))
        #expect(embedded["ReplicationInterval"]?.value == .null)
    }

    @Test("the encoder writes an embedded instance as escaped CIM-XML text")
    func encoderEscapesEmbeddedInstance() throws {
        let wire = everything.wsmanInstance(schema: schema, namespace: ns)
        let bytes = WSManResponseEncoder().encode(WSManResponse(
            requestAction: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", relatesTo: "uuid:1",
            body: .get(wire)))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("<p:Settings>&lt;INSTANCE CLASSNAME=\"Msvm_ReplicationSettingData\"&gt;"))
        #expect(!text.contains("<INSTANCE"))
        let root = try XMLTreeParser().parse(bytes)
        let body = try #require(root.child(WSManNamespace.soap, "Body")?.children.first)
        let settingsElement = try #require(body.children.first { $0.localName == "Settings" })
        #expect(try CIMXMLInstanceCodec().decode(settingsElement.text).className == "Msvm_ReplicationSettingData")
    }

    @Test("CIMInstance → WSManInstance → encode → decode → CIMInstance is the identity")
    func roundTrip() throws {
        let wire = everything.wsmanInstance(schema: schema, namespace: ns)
        let bytes = WSManResponseEncoder().encode(WSManResponse(
            requestAction: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", relatesTo: "uuid:1",
            body: .get(wire)))
        let root = try XMLTreeParser().parse(bytes)
        let element = try #require(root.child(WSManNamespace.soap, "Body")?.children.first)
        let decoded = try WireValueReader(limits: XMLLimits()).instance(element: element)
        #expect(decoded.className == "Lab_Everything")
        let typed = try decoded.cimInstance(schema: schema, namespace: ns, expectedClass: "Lab_Everything",
                                            mofInstanceParser: nil)
        // An empty array is omitted on the wire (DSP0230), so it comes back absent; nulls come back null.
        var expected = everything
        expected.removeProperty(named: "Names")
        #expect(typed == expected)
        for property in everything.properties where property.name != "Names" {
            #expect(typed.property(named: property.name) == property, "\(property.name)")
        }
    }
}
