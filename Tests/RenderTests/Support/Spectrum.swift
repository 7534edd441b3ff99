import Foundation

/// Spectral analysis for the render tests: a radix-2 FFT and the strongest frequency of a signal.
enum Spectrum {
  /// In-place iterative radix-2 FFT; `re.count` must be a power of two.
  static func fft(_ re: inout [Double], _ im: inout [Double]) {
    let n = re.count
    var j = 0
    for i in 1..<n {
      var bit = n >> 1
      while j & bit != 0 {
        j ^= bit
        bit >>= 1
      }
      j |= bit
      if i < j {
        re.swapAt(i, j)
        im.swapAt(i, j)
      }
    }
    var length = 2
    while length <= n {
      let angle = -2 * Double.pi / Double(length)
      let wRe = cos(angle)
      let wIm = sin(angle)
      var start = 0
      while start < n {
        var curRe = 1.0
        var curIm = 0.0
        for k in 0..<(length / 2) {
          let a = start + k
          let b = a + length / 2
          let tRe = re[b] * curRe - im[b] * curIm
          let tIm = re[b] * curIm + im[b] * curRe
          re[b] = re[a] - tRe
          im[b] = im[a] - tIm
          re[a] += tRe
          im[a] += tIm
          let nextRe = curRe * wRe - curIm * wIm
          curIm = curRe * wIm + curIm * wRe
          curRe = nextRe
        }
        start += length
      }
      length <<= 1
    }
  }

  /// The frequency (Hz) with the highest magnitude within `band`, Hann-windowed, zero-padded to at least
  /// `minimumSize` points, refined by parabolic interpolation on the log magnitude (accurate to a small fraction of
  /// a bin).
  static func dominantFrequency(
    of signal: [Float], sampleRate: Int, band: ClosedRange<Double> = 30...8000, minimumSize: Int = 65_536
  ) -> Double {
    var size = 1
    while size < max(signal.count, minimumSize) { size <<= 1 }
    var re = [Double](repeating: 0, count: size)
    var im = [Double](repeating: 0, count: size)
    let n = signal.count
    for i in 0..<n {
      let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(max(1, n - 1)))
      re[i] = Double(signal[i]) * window
    }
    fft(&re, &im)
    let binHz = Double(sampleRate) / Double(size)
    let low = max(1, Int(band.lowerBound / binHz))
    let high = min(size / 2 - 2, Int(band.upperBound / binHz) + 1)
    var best = low
    var bestMagnitude = -1.0
    var magnitude = [Double](repeating: 0, count: high + 2)
    for k in (low - 1)...(high + 1) { magnitude[k] = re[k] * re[k] + im[k] * im[k] }
    for k in low...high where magnitude[k] > bestMagnitude {
      bestMagnitude = magnitude[k]
      best = k
    }
    let a = log(magnitude[best - 1] + 1e-30)
    let b = log(magnitude[best] + 1e-30)
    let c = log(magnitude[best + 1] + 1e-30)
    let denominator = a - 2 * b + c
    let offset = denominator == 0 ? 0 : 0.5 * (a - c) / denominator
    return (Double(best) + offset) * binHz
  }

  /// Root-mean-square level of a signal.
  static func rms(_ signal: [Float]) -> Double {
    guard !signal.isEmpty else { return 0 }
    return sqrt(signal.reduce(0) { $0 + Double($1) * Double($1) } / Double(signal.count))
  }
}

/// Compares audio sample by sample without handing swift-testing two huge arrays (its diff of large collections is
/// quadratic). Returns nil when every sample differs by at most `tolerance`, else a short description.
func sampleDifference(_ a: [Float], _ b: [Float], tolerance: Float = 0) -> String? {
  guard a.count == b.count else { return "lengths differ: \(a.count) vs \(b.count) samples" }
  guard let index = a.indices.first(where: { abs(a[$0] - b[$0]) > tolerance }) else { return nil }
  let maxDelta = zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
  return "first difference at sample \(index): \(a[index]) vs \(b[index]); largest difference \(maxDelta)"
}
