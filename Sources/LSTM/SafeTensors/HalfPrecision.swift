/// Bit-exact conversions between `Float` and the two 16-bit formats safetensors files use.
///
/// Hand-written (no `Float16`, which is missing on some platforms) and checked against the hardware conversion in
/// the tests. Both directions to 16 bits round to nearest, ties to even; NaN stays NaN (quiet, sign kept),
/// infinities stay infinite, and magnitudes beyond the format's range become infinity as IEEE 754 requires.
enum HalfPrecision {
  /// `Float` → IEEE 754 binary16 bits (1 sign, 5 exponent, 10 mantissa bits), handling subnormal halves.
  @inline(__always)
  static func halfBits(from value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
    let exponent = Int((bits >> 23) & 0xFF)
    let mantissa = bits & 0x7F_FFFF
    if exponent == 0xFF {  // infinity or NaN
      return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
    }
    let halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F { return sign | 0x7C00 }  // too large even before rounding
    if halfExponent <= 0 {
      // Subnormal half: value = k · 2⁻²⁴ with k = significand >> (14 - halfExponent).
      if halfExponent < -10 { return sign }  // below half the smallest subnormal: rounds to ±0
      let significand = mantissa | 0x80_0000
      let shift = UInt32(14 - halfExponent)
      var k = significand >> shift
      let remainder = significand & ((1 << shift) - 1)
      let halfway: UInt32 = 1 << (shift - 1)
      if remainder > halfway || (remainder == halfway && k & 1 == 1) { k += 1 }
      return sign | UInt16(truncatingIfNeeded: k)  // k == 0x400 is the smallest normal, as it should be
    }
    var half = UInt32(halfExponent) << 10 | mantissa >> 13
    let remainder = mantissa & 0x1FFF
    if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }  // a carry may reach infinity
    return sign | UInt16(truncatingIfNeeded: half)
  }

  /// IEEE 754 binary16 bits → `Float` (exact: every half value is a `Float`).
  @inline(__always)
  static func float(fromHalfBits half: UInt16) -> Float {
    let sign = UInt32(half & 0x8000) << 16
    let exponent = UInt32(half >> 10) & 0x1F
    let mantissa = UInt32(half & 0x3FF)
    if exponent == 0 {
      let magnitude = Float(mantissa) * 0x1p-24  // zero or subnormal, exact
      return sign == 0 ? magnitude : -magnitude
    }
    if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
    return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
  }

  /// `Float` → bfloat16 bits (the upper half of the `Float`, rounded to nearest even).
  @inline(__always)
  static func bfloat16Bits(from value: Float) -> UInt16 {
    let bits = value.bitPattern
    if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
    let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
  }

  /// bfloat16 bits → `Float` (exact).
  @inline(__always)
  static func float(fromBFloat16Bits bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
