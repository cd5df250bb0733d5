import Testing

@testable import WSMan

@Suite("Response MessageIDs")
struct MessageIDGeneratorTests {
    @Test("the 128 bits are laid out as an upper-case version-4 UUID, each half little-endian")
    func format() {
        #expect(MessageIDGenerator.format(0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908)
            == "uuid:00010203-0405-4607-8809-0A0B0C0D0E0F")
        #expect(MessageIDGenerator.format(.max, .max) == "uuid:FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF")
        #expect(MessageIDGenerator.format(0, 0) == "uuid:00000000-0000-4000-8000-000000000000")
    }

    @Test("IDs do not repeat and always carry the version and variant")
    func unique() {
        let ids = (0..<20_000).map { _ in WSManResponseEncoder.newMessageID() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(500) {
            let utf8 = Array(id.utf8)
            #expect(utf8.count == 41)
            #expect(utf8[19] == UInt8(ascii: "4"))
            #expect([UInt8]("89AB".utf8).contains(utf8[24]))
            #expect([13, 18, 23, 28].allSatisfy { utf8[$0] == UInt8(ascii: "-") })
        }
    }
}
