import CIM
import Testing

@Suite("WQL evaluation")
struct WQLEvaluationTests {
    static let namespace = CIMNamespace.virtualizationV2

    static func instance() throws -> CIMInstance {
        var vm = CIMInstance(className: "Msvm_ComputerSystem")
        vm["ElementName"] = .string("app01")
        vm["EnabledState"] = .uint16(2)
        vm["SizeBytes"] = .uint64(18_446_744_073_709_551_615)
        vm["Temperature"] = .sint32(-5)
        vm["Ratio"] = .real64(0.75)
        vm["Healthy"] = .boolean(true)
        vm["Created"] = .datetime(try CIMDateTime(dmtf: "20240315120000.000000+000"))
        vm["Notes"] = nil
        vm["Codes"] = .array([.uint16(1)], elementType: .uint16)
        return vm
    }

    static func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        _ = builder.addClass(CIMClass(name: "CIM_ManagedElement"), in: namespace)
        _ = builder.addClass(CIMClass(name: "CIM_ComputerSystem", superclassName: "CIM_ManagedElement"), in: namespace)
        _ = builder.addClass(CIMClass(name: "Msvm_ComputerSystem", superclassName: "CIM_ComputerSystem"), in: namespace)
        _ = builder.addClass(CIMClass(name: "CIM_Job", superclassName: "CIM_ManagedElement"), in: namespace)
        return builder.build().repository
    }

    @Test(
        "Conditions against one instance",
        arguments: [
            ("ElementName = 'APP01'", true),
            ("ElementName <> 'app01'", false),
            ("ElementName > 'aaa' AND ElementName < 'b'", true),
            ("ElementName LIKE 'app%'", true),
            ("ElementName LIKE '[^a]%'", false),
            ("EnabledState = 2", true),
            ("EnabledState = '2'", true),
            ("EnabledState >= 3", false),
            ("3 > EnabledState", true),
            ("EnabledState = 2.0", true),
            ("SizeBytes = 18446744073709551615", true),
            ("SizeBytes > 5", true),
            ("Temperature < 0", true),
            ("Temperature < 18446744073709551615", true),
            ("Ratio > 0.5 AND Ratio <= 0.75", true),
            ("Healthy = TRUE", true),
            ("Healthy = 0", false),
            ("Created > '20240101000000.000000+000'", true),
            ("Created < '20240315120000.000000+000'", false),
            ("Created = '20240315130000.000000+060'", true),
            ("Notes IS NULL", true),
            ("Notes IS NOT NULL", false),
            ("Notes = NULL", true),
            ("Missing IS NULL", true),
            ("Notes = 'x'", false),
            ("NOT Notes = 'x'", false),
            ("Notes = 'x' OR EnabledState = 2", true),
            ("NOT (Notes = 'x' AND EnabledState = 3)", true),
            ("Codes = 1", false),
            ("__CLASS = 'msvm_computersystem'", true),
            ("__CLASS ISA 'CIM_ComputerSystem'", true),
            ("__THIS ISA 'CIM_ManagedElement'", true),
            ("__THIS ISA 'CIM_Job'", false),
            ("EnabledState = EnabledState", true),
        ])
    func evaluates(condition: String, expected: Bool) throws {
        let statement = try WQLStatement(parsing: "SELECT * FROM Msvm_ComputerSystem WHERE " + condition)
        guard case .select(let select) = statement, let expression = select.condition else {
            Issue.record("no condition in \(statement)")
            return
        }
        #expect(try expression.matches(Self.instance(), schema: Self.schema(), namespace: Self.namespace) == expected)
    }

    @Test("ISA on an unknown class is an evaluation error")
    func isaUnknownClass() throws {
        let expression = WQLExpression.isa(property: "__THIS", className: "No_Such")
        #expect(throws: WQLError.self) {
            try expression.matches(Self.instance(), schema: Self.schema(), namespace: Self.namespace)
        }
        #expect(try expression.matches(Self.instance()) == false)
    }
}
