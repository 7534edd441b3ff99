import Foundation

/// A self-contained SVG line chart of loss curves against the training step: axes with "nice" ticks (1, 2, 5 × 10ⁿ),
/// grid, axis labels, title and legend; no scripts, fonts or external references.
///
/// Non-finite values leave a gap in their line. Series longer than `maximumPoints` are reduced to that many
/// bucket means so the file stays small; the validation series also gets a marker per point and the legend names its
/// minimum (the early-stopping value).
public struct LossCurveChart: Sendable {
  /// One line of the chart.
  public struct Series: Sendable, Equatable {
    /// Legend text.
    public var label: String
    /// Stroke colour (any SVG colour).
    public var color: String
    /// `(step, value)` pairs, in step order.
    public var points: [(step: Int, value: Double)]
    /// Draw a marker on every point (for sparse series such as validation).
    public var markers: Bool
    /// Name the minimum in the legend.
    public var showsMinimum: Bool

    /// Creates a series; `points` must be in step order.
    public init(
      label: String, color: String, points: [(step: Int, value: Double)], markers: Bool = false,
      showsMinimum: Bool = false
    ) {
      self.label = label
      self.color = color
      self.points = points
      self.markers = markers
      self.showsMinimum = showsMinimum
    }

    public static func == (lhs: Series, rhs: Series) -> Bool {
      lhs.label == rhs.label && lhs.color == rhs.color && lhs.markers == rhs.markers
        && lhs.showsMinimum == rhs.showsMinimum && lhs.points.count == rhs.points.count
        && zip(lhs.points, rhs.points).allSatisfy { $0.step == $1.step && $0.value == $1.value }
    }
  }

  /// Text above the chart.
  public var title: String
  /// Label of the horizontal axis.
  public var xLabel = "step"
  /// Label of the vertical axis (name the unit).
  public var yLabel: String
  /// The lines, drawn in this order; the legend lists them in this order.
  public var series: [Series]
  /// Size of the SVG in user units (pixels).
  public var width = 800.0
  public var height = 480.0
  /// Longer series are reduced to this many bucket means.
  public var maximumPoints = 1000

  /// Creates a chart; `xLabel` defaults to "step".
  public init(title: String, yLabel: String, series: [Series]) {
    self.title = title
    self.yLabel = yLabel
    self.series = series
  }

  // Plot area margins.
  private var left: Double { 74 }
  private var right: Double { 24 }
  private var top: Double { 44 }
  private var bottom: Double { 56 }

  /// The chart as an SVG document.
  public func svg() -> String {
    let plotted = series.map { s -> Series in
      var reduced = s
      reduced.points = LossCurveChart.reduce(s.points, to: maximumPoints)
      return reduced
    }
    let finite = plotted.flatMap { $0.points.filter { $0.value.isFinite } }
    var out = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
      viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
      <rect x="0" y="0" width="\(fmt(width))" height="\(fmt(height))" fill="white"/>
      <text x="\(fmt(width / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(xml(title))</text>

      """
    let plotLeft = left
    let plotRight = width - right
    let plotTop = top
    let plotBottom = height - bottom
    guard !finite.isEmpty else {
      out +=
        "<rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(plotTop))\" width=\"\(fmt(plotRight - plotLeft))\" "
        + "height=\"\(fmt(plotBottom - plotTop))\" fill=\"none\" stroke=\"#444\"/>\n"
      out +=
        "<text x=\"\(fmt((plotLeft + plotRight) / 2))\" y=\"\(fmt((plotTop + plotBottom) / 2))\" "
        + "text-anchor=\"middle\" fill=\"#666\">no data logged yet</text>\n</svg>\n"
      return out
    }

    let steps = finite.map { Double($0.step) }
    let values = finite.map(\.value)
    let xAxis = LossCurveChart.niceAxis(min: steps.min() ?? 0, max: steps.max() ?? 1, integral: true)
    let yAxis = LossCurveChart.niceAxis(min: values.min() ?? 0, max: values.max() ?? 1, integral: false)
    func x(_ step: Double) -> Double {
      plotLeft + (step - xAxis.lower) / (xAxis.upper - xAxis.lower) * (plotRight - plotLeft)
    }
    func y(_ value: Double) -> Double {
      plotBottom - (value - yAxis.lower) / (yAxis.upper - yAxis.lower) * (plotBottom - plotTop)
    }

    // Grid and ticks.
    out += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
    for t in xAxis.ticks {
      out += "<line x1=\"\(fmt(x(t)))\" y1=\"\(fmt(plotTop))\" x2=\"\(fmt(x(t)))\" y2=\"\(fmt(plotBottom))\"/>\n"
    }
    for t in yAxis.ticks {
      out += "<line x1=\"\(fmt(plotLeft))\" y1=\"\(fmt(y(t)))\" x2=\"\(fmt(plotRight))\" y2=\"\(fmt(y(t)))\"/>\n"
    }
    out += "</g>\n<g fill=\"#333\">\n"
    for t in xAxis.ticks {
      out +=
        "<line x1=\"\(fmt(x(t)))\" y1=\"\(fmt(plotBottom))\" x2=\"\(fmt(x(t)))\" y2=\"\(fmt(plotBottom + 5))\" stroke=\"#333\"/>"
      out +=
        "<text x=\"\(fmt(x(t)))\" y=\"\(fmt(plotBottom + 19))\" text-anchor=\"middle\">\(LossCurveChart.label(t, step: xAxis.step))</text>\n"
    }
    for t in yAxis.ticks {
      out +=
        "<line x1=\"\(fmt(plotLeft - 5))\" y1=\"\(fmt(y(t)))\" x2=\"\(fmt(plotLeft))\" y2=\"\(fmt(y(t)))\" stroke=\"#333\"/>"
      out +=
        "<text x=\"\(fmt(plotLeft - 8))\" y=\"\(fmt(y(t) + 4))\" text-anchor=\"end\">\(LossCurveChart.label(t, step: yAxis.step))</text>\n"
    }
    out += "</g>\n"
    out +=
      "<rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(plotTop))\" width=\"\(fmt(plotRight - plotLeft))\" "
      + "height=\"\(fmt(plotBottom - plotTop))\" fill=\"none\" stroke=\"#333\"/>\n"
    out +=
      "<text x=\"\(fmt((plotLeft + plotRight) / 2))\" y=\"\(fmt(height - 14))\" text-anchor=\"middle\">\(xml(xLabel))</text>\n"
    out +=
      "<text transform=\"translate(18 \(fmt((plotTop + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(xml(yLabel))</text>\n"

    // Lines, clipped to the plot area.
    // The clip is a little larger than the frame so markers on its edge stay whole.
    out +=
      "<defs><clipPath id=\"plot\"><rect x=\"\(fmt(plotLeft - 4))\" y=\"\(fmt(plotTop - 4))\" "
      + "width=\"\(fmt(plotRight - plotLeft + 8))\" height=\"\(fmt(plotBottom - plotTop + 8))\"/></clipPath></defs>\n"
    out += "<g clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"1.6\" stroke-linejoin=\"round\">\n"
    for s in plotted {
      var d = ""
      var penDown = false
      for p in s.points {
        guard p.value.isFinite else {
          penDown = false
          continue
        }
        d += (penDown ? "L" : "M") + "\(fmt(x(Double(p.step)))),\(fmt(y(p.value)))"
        penDown = true
      }
      if !d.isEmpty { out += "<path d=\"\(d)\" stroke=\"\(xml(s.color))\"/>\n" }
      if s.markers {
        for p in s.points where p.value.isFinite {
          out +=
            "<circle cx=\"\(fmt(x(Double(p.step))))\" cy=\"\(fmt(y(p.value)))\" r=\"2.5\" fill=\"\(xml(s.color))\"/>"
        }
        out += "\n"
      }
    }
    out += "</g>\n"

    // Legend in the top-right corner of the plot.
    let labels = plotted.map { s -> String in
      guard s.showsMinimum,
        let best = series.first(where: { $0.label == s.label })?.points
          .filter({ $0.value.isFinite }).min(by: { $0.value < $1.value })
      else { return s.label }
      return "\(s.label) (best \(String(format: "%.3f", best.value)) at step \(best.step))"
    }
    let legendWidth = 36 + 6.6 * Double(labels.map(\.count).max() ?? 0)
    let legendX = plotRight - legendWidth - 10
    let legendY = plotTop + 10
    out +=
      "<g>\n<rect x=\"\(fmt(legendX))\" y=\"\(fmt(legendY))\" width=\"\(fmt(legendWidth))\" "
      + "height=\"\(fmt(Double(labels.count) * 18 + 8))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
    for (i, s) in plotted.enumerated() {
      let rowY = legendY + 15 + Double(i) * 18
      out +=
        "<line x1=\"\(fmt(legendX + 8))\" y1=\"\(fmt(rowY - 4))\" x2=\"\(fmt(legendX + 28))\" y2=\"\(fmt(rowY - 4))\" "
        + "stroke=\"\(xml(s.color))\" stroke-width=\"2.5\"/>"
      out += "<text x=\"\(fmt(legendX + 34))\" y=\"\(fmt(rowY))\">\(xml(labels[i]))</text>\n"
    }
    out += "</g>\n</svg>\n"
    return out
  }

  // MARK: - Helpers

  /// Reduces `points` to at most `limit` bucket means (step and value averaged; a bucket with a non-finite value
  /// keeps the gap).
  static func reduce(_ points: [(step: Int, value: Double)], to limit: Int) -> [(step: Int, value: Double)] {
    guard limit > 0, points.count > limit else { return points }
    var reduced: [(step: Int, value: Double)] = []
    reduced.reserveCapacity(limit)
    for bucket in 0..<limit {
      let start = bucket * points.count / limit
      let end = (bucket + 1) * points.count / limit
      guard end > start else { continue }
      let slice = points[start..<end]
      let step = slice.reduce(0.0) { $0 + Double($1.step) } / Double(slice.count)
      let value = slice.reduce(0.0) { $0 + $1.value } / Double(slice.count)
      reduced.append((Int(step.rounded()), value))
    }
    return reduced
  }

  /// An axis range covering `min...max`, widened to multiples of a 1-2-5 step with about six ticks.
  static func niceAxis(min: Double, max: Double, integral: Bool) -> (
    lower: Double, upper: Double, step: Double, ticks: [Double]
  ) {
    var low = min
    var high = max
    if high - low < (integral ? 1 : 1e-9) {
      let pad = integral ? 1.0 : Swift.max(abs(low) * 0.05, 0.5)
      low -= integral ? 0 : pad
      high += pad
    }
    let raw = (high - low) / 6
    guard raw.isFinite, raw > 0 else { return (low, low + 1, 1, [low, low + 1]) }  // absurd ranges (±1e308)
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    var step = magnitude
    for factor in [1.0, 2.0, 5.0, 10.0] where magnitude * factor >= raw {
      step = magnitude * factor
      break
    }
    if integral { step = Swift.max(1, step.rounded()) }
    let lower = (low / step).rounded(.down) * step
    let upper = (high / step).rounded(.up) * step
    var ticks: [Double] = []
    var t = lower
    while t <= upper + step * 1e-9, ticks.count < 50 {
      ticks.append(abs(t) < step * 1e-9 ? 0 : t)
      t += step
    }
    return (lower, upper, step, ticks)
  }

  /// A tick label with as many decimals as the step needs; thousands as "k" for large integral values.
  static func label(_ value: Double, step: Double) -> String {
    if step >= 1, abs(value) >= 10_000, abs(value) < 1e15, value.truncatingRemainder(dividingBy: 1000) == 0 {
      return "\(Int(value / 1000))k"
    }
    let decimals = step >= 1 ? 0 : Swift.min(6, Int((-log10(step)).rounded(.up)))
    return String(format: "%.\(decimals)f", value)
  }

  private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

  private func xml(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        if let ascii = c.asciiValue, ascii < 0x20 { out += " " } else { out.append(c) }
      }
    }
    return out
  }
}
