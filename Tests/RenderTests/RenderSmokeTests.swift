import Testing

@Suite struct RenderSmokeTests {
  @Test func packageBuilds() { #expect(1 + 1 == 2) }
}
