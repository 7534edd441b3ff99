import Testing

@Suite struct StudioSmokeTests {
  @Test func packageBuilds() { #expect(1 + 1 == 2) }
}
