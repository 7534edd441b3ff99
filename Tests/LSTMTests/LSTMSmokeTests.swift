import Testing

@Suite struct LSTMSmokeTests {
  @Test func packageBuilds() { #expect(1 + 1 == 2) }
}
