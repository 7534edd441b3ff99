import Testing

@testable import ABCParser

@Suite struct NoteLengthTests {
  @Test(arguments: [(6, 8, 3, 4), (-2, 4, -1, 2), (2, -4, -1, 2), (0, 5, 0, 1), (7, 7, 1, 1)])
  func normalisesToLowestTermsWithPositiveDenominator(n: Int, d: Int, en: Int, ed: Int) {
    let x = NoteLength(n, d)
    #expect(x.numerator == en && x.denominator == ed)
  }

  @Test func arithmeticIsExact() {
    #expect(NoteLength(1, 3) + NoteLength(1, 6) == NoteLength(1, 2))
    #expect(NoteLength(3, 4) - NoteLength(1, 4) == NoteLength(1, 2))
    #expect(NoteLength(2, 3) * NoteLength(3, 4) == NoteLength(1, 2))
    #expect(NoteLength(1, 2) / NoteLength(1, 4) == NoteLength(2))
    #expect(NoteLength(1, 3) < NoteLength(1, 2))
    #expect(NoteLength(3, 8) * NoteLength(2, 3) == NoteLength(1, 4))
  }

  @Test func zeroDenominatorIsRejectedNotTrapped() {
    #expect(NoteLength(exactly: 1, 0) == nil)
    #expect(NoteLength(exactly: Int.min, 1) == nil)
    #expect(NoteLength(1, 2) / .zero == .zero)
  }

  @Test func overflowClampsInsteadOfTrapping() {
    let big = NoteLength(NoteLength.limit - 1, 1)
    let tiny = NoteLength(1, NoteLength.limit - 1)
    #expect(big.adding(big) == nil)
    #expect(big.multiplied(by: big) == nil)
    let clamped = big * big
    #expect(clamped.numerator <= NoteLength.limit)
    let sum = tiny + NoteLength(1, NoteLength.limit - 3)
    #expect(sum.denominator <= NoteLength.limit)
    #expect(sum > .zero)
    #expect(NoteLength.approximating(.infinity).numerator == NoteLength.limit)
  }

  @Test func powerOfTwoDenominators() {
    #expect(NoteLength(3, 16).hasPowerOfTwoDenominator)
    #expect(!NoteLength(5, 3).hasPowerOfTwoDenominator)
  }
}
