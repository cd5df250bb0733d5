import CIM
import Testing

@Suite("WQL parsing and printing")
struct WQLParserTests {
    @Test(
        "Queries print back to canonical text",
        arguments: [
            ("SELECT * FROM Msvm_ComputerSystem", "SELECT * FROM Msvm_ComputerSystem"),
            ("select  name,ElementName from Msvm_ComputerSystem", "SELECT name, ElementName FROM Msvm_ComputerSystem"),
            (
                "SELECT * FROM Msvm_ComputerSystem WHERE ElementName='vm1'",
                "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'vm1'"
            ),
            ("SELECT * FROM A WHERE a = 1 AND b = 2 OR c = 3", "SELECT * FROM A WHERE a = 1 AND b = 2 OR c = 3"),
            ("SELECT * FROM A WHERE a = 1 AND (b = 2 OR c = 3)", "SELECT * FROM A WHERE a = 1 AND (b = 2 OR c = 3)"),
            ("SELECT * FROM A WHERE ((a = 1))", "SELECT * FROM A WHERE a = 1"),
            ("SELECT * FROM A WHERE a = 1 OR (b = 2 OR c = 3)", "SELECT * FROM A WHERE a = 1 OR (b = 2 OR c = 3)"),
            ("SELECT * FROM A WHERE NOT (a = 1 AND b = 2)", "SELECT * FROM A WHERE NOT (a = 1 AND b = 2)"),
            ("SELECT * FROM A WHERE NOT NOT a <> 1", "SELECT * FROM A WHERE NOT NOT a <> 1"),
            ("SELECT * FROM A WHERE a != 1", "SELECT * FROM A WHERE a != 1"),
            ("SELECT * FROM A WHERE 5 <= a", "SELECT * FROM A WHERE 5 <= a"),
            ("SELECT * FROM A WHERE a >= -12.5", "SELECT * FROM A WHERE a >= -12.5"),
            ("SELECT * FROM A WHERE a = 0x10", "SELECT * FROM A WHERE a = 16"),
            ("SELECT * FROM A WHERE a = 18446744073709551615", "SELECT * FROM A WHERE a = 18446744073709551615"),
            ("SELECT * FROM A WHERE b = true AND c = False", "SELECT * FROM A WHERE b = TRUE AND c = FALSE"),
            ("SELECT * FROM A WHERE name like \"a%[^b-d]_\"", "SELECT * FROM A WHERE name LIKE 'a%[^b-d]_'"),
            ("SELECT * FROM A WHERE __CLASS ISA \"CIM_Job\"", "SELECT * FROM A WHERE __CLASS ISA 'CIM_Job'"),
            ("SELECT * FROM A WHERE __THIS isa CIM_Job", "SELECT * FROM A WHERE __THIS ISA 'CIM_Job'"),
            ("SELECT * FROM A WHERE x is null and y IS NOT NULL", "SELECT * FROM A WHERE x IS NULL AND y IS NOT NULL"),
            ("SELECT * FROM A WHERE x = NULL", "SELECT * FROM A WHERE x = NULL"),
            (#"SELECT * FROM A WHERE p = "C:\\VMs\\a'b""#, #"SELECT * FROM A WHERE p = 'C:\\VMs\\a\'b'"#),
            (#"SELECT * FROM A WHERE p = 'it\'s'"#, #"SELECT * FROM A WHERE p = 'it\'s'"#),
            (
                #"ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="X"} "#
                    + "WHERE resultclass = Msvm_ReplicationSettingData assocclass=Msvm_ElementSettingData",
                #"ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="X"} "#
                    + "WHERE AssocClass = Msvm_ElementSettingData ResultClass = Msvm_ReplicationSettingData"
            ),
            (
                "ASSOCIATORS OF {A.k=\"}\"} WHERE Role = Antecedent ResultRole = Dependent ClassDefsOnly",
                "ASSOCIATORS OF {A.k=\"}\"} WHERE Role = Antecedent ResultRole = Dependent ClassDefsOnly"
            ),
            ("REFERENCES OF { A=@ }", "REFERENCES OF {A=@}"),
            (
                "references of {A=@} where role='Dependent' resultclass = CIM_Dependency SchemaOnly",
                "REFERENCES OF {A=@} WHERE ResultClass = CIM_Dependency Role = Dependent SchemaOnly"
            ),
        ])
    func printsCanonically(input: String, expected: String) throws {
        let statement = try WQLStatement(parsing: input)
        #expect(statement.description == expected)
        #expect(try WQLStatement(parsing: statement.description) == statement)
    }

    @Test("The parse tree follows precedence and left associativity")
    func precedence() throws {
        let statement = try WQLStatement(parsing: "SELECT a FROM C WHERE NOT a = 1 AND b LIKE 'x%' OR c IS NULL")
        let a: WQLExpression = .comparison(.property("a"), .equal, .literal(.integer(1)))
        let expected = WQLSelectStatement(
            properties: ["a"], className: "C",
            condition: .or(.and(.not(a), .like(property: "b", pattern: "x%")), .isNull(property: "c", negated: false)))
        #expect(statement == .select(expected))

        let chain = try WQLStatement(parsing: "SELECT * FROM C WHERE a = 1 AND b = 2 AND c = 3")
        guard case .select(let select) = chain, case .and(.and, .comparison)? = select.condition else {
            Issue.record("AND is not left-associative: \(chain)")
            return
        }
    }

    @Test("Associators options land in their fields")
    func associatorsFields() throws {
        let statement = try WQLStatement(
            parsing: "ASSOCIATORS OF {\\\\HOST\\root\\virtualization\\v2:Msvm_ComputerSystem.Name=\"A\"} WHERE "
                + "AssocClass=X ResultClass=Y Role=R ResultRole=RR RequiredQualifier=Q RequiredAssocQualifier=AQ "
                + "ClassDefsOnly SchemaOnly")
        let expected = WQLAssociatorsStatement(
            objectPath: "\\\\HOST\\root\\virtualization\\v2:Msvm_ComputerSystem.Name=\"A\"", associationClass: "X",
            resultClass: "Y", role: "R", resultRole: "RR", requiredQualifier: "Q", requiredAssociationQualifier: "AQ",
            classDefinitionsOnly: true, schemaOnly: true)
        #expect(statement == .associators(expected))
    }

    @Test(
        "Bad queries fail with a position and a message",
        arguments: [
            ("", 1, "expected SELECT"),
            ("SELEC * FROM A", 1, "expected SELECT"),
            ("SELECT FROM A", 8, "expected a property name"),
            ("SELECT * A", 10, "expected FROM"),
            ("SELECT * FROM", 14, "expected a class name"),
            ("SELECT * FROM A WHERE", 22, "expected a property name or a constant"),
            ("SELECT * FROM A WHERE a = ", 27, "expected a property name or a constant"),
            ("SELECT * FROM A WHERE a", 24, "expected a comparison operator"),
            ("SELECT * FROM A WHERE (a = 1", 29, "expected ')'"),
            ("SELECT * FROM A WHERE a = 'abc", 27, "unterminated string"),
            ("SELECT * FROM A WHERE a = 1 b", 29, "unexpected 'b'"),
            ("SELECT * FROM A WHERE a # 1", 25, "unexpected character '#'"),
            ("SELECT * FROM A WHERE a ! 1", 25, "expected '=' after '!'"),
            ("SELECT * FROM A WHERE 'x' LIKE 'y'", 23, "LIKE needs a property name"),
            ("SELECT * FROM A WHERE a LIKE 5", 30, "LIKE needs a string pattern"),
            ("SELECT * FROM A WHERE a LIKE '[ab'", 30, "unclosed '['"),
            ("SELECT * FROM A WHERE a IS 5", 28, "expected NULL"),
            ("SELECT * FROM A WHERE a = 99999999999999999999", 27, "out of range"),
            ("SELECT * FROM A WHERE a = 1e999", 27, "malformed number"),
            ("ASSOCIATORS {A=@}", 13, "expected OF"),
            ("ASSOCIATORS OF A", 16, "expected an object path"),
            ("ASSOCIATORS OF {A=@", 16, "missing its closing '}'"),
            ("ASSOCIATORS OF {}", 16, "object path is empty"),
            ("ASSOCIATORS OF {A=@} WHERE Colour = Red", 28, "unknown keyword 'Colour'"),
            ("ASSOCIATORS OF {A=@} WHERE Role = A Role = B", 37, "Role is given twice"),
            ("ASSOCIATORS OF {A=@} WHERE Role A", 33, "expected '=' after Role"),
            ("REFERENCES OF {A=@} WHERE ResultRole = X", 27, "unknown keyword 'ResultRole'"),
        ])
    func rejects(query: String, column: Int, fragment: String) {
        do {
            let statement = try WQLStatement(parsing: query)
            Issue.record("parsed \(query) as \(statement)")
        } catch let error as WQLError {
            #expect(error.position == column, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
            #expect(error.isSyntaxError)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
