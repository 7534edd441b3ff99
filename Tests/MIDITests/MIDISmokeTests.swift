import Testing

@Suite struct MIDISmokeTests {
  @Test func packageBuilds() { #expect(1 + 1 == 2) }
}
