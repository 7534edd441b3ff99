import Testing

@Suite struct ABCParserSmokeTests {
  @Test func packageBuilds() { #expect(1 + 1 == 2) }
}
