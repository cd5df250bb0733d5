import CIM
import Foundation
import Testing

@testable import MOF

@Suite struct MOFPrinterTests {
    @Test func dmtfSchemaRoundTrips() throws {
        let first = MOFCompiler().compile(files: [MOFCompilerTests.dmtfTop])
        #expect(first.errors.isEmpty)
        let text = MOFPrinter().print(first.repository, namespace: .rootCIMV2)
        let second = MOFCompiler().compile(source: text, fileName: "printed.mof")
        #expect(second.errors.isEmpty, "\(second.errors.prefix(5))")
        let a = first.repository.classes(in: .rootCIMV2)
        let b = second.repository.classes(in: .rootCIMV2)
        #expect(a.count == b.count)
        let mismatched = zip(a, b).filter { $0 != $1 }.map(\.0.name)
        #expect(mismatched.isEmpty, "\(mismatched.prefix(5))")
        #expect(
            first.repository.qualifierDeclarations(in: .rootCIMV2)
                == second.repository.qualifierDeclarations(in: .rootCIMV2))
    }

    @Test func printsInstances() throws {
        let source = #"class X { [Key] string Id; uint16 N[]; }; instance of X { Id = "a\"b"; N = {1, 2}; };"#
        let first = MOFCompiler().compile(source: source)
        let text = MOFPrinter().print(first.repository, namespace: .rootCIMV2)
        let second = MOFCompiler().compile(source: text)
        #expect(second.errors.isEmpty)
        #expect(second.repository.instances(in: .rootCIMV2) == first.repository.instances(in: .rootCIMV2))
    }
}
