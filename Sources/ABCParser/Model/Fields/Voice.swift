/// A `V:` value: voice id and properties (ABC 2.1 §7; checklist V-01…V-03).
public struct Voice: Hashable, Sendable {
  /// The voice id (number or name; only the first 20 characters are significant when comparing, see `key`).
  public var id: String
  /// `name=`/`nm=`.
  public var name: String?
  /// `subname=`/`snm=`.
  public var subname: String?
  /// `stem=up|down|auto`.
  public var stem: String?
  /// `clef=` and the clef/transposition parameters (same as `K:`).
  public var clef: ClefParameters
  /// Every `name=value` property in written order (including the ones above), for consumers that need others.
  public var properties: [ClefParameters.Parameter]

  public init(
    id: String, name: String? = nil, subname: String? = nil, stem: String? = nil,
    clef: ClefParameters = ClefParameters(), properties: [ClefParameters.Parameter] = []
  ) {
    self.id = id
    self.name = name
    self.subname = subname
    self.stem = stem
    self.clef = clef
    self.properties = properties
  }

  /// The significant part of the id (first 20 characters), used to match voices.
  public var key: String { String(id.prefix(20)) }
}
