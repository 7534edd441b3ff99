import ABCParser

extension ABCImportResult {
  /// The problems `studio validate` finds in `abcText`: `ABCValidator` in loose mode, error severity only (warnings
  /// such as a short last bar are normal for imported music). Empty when the tune is valid.
  public func validationErrors() -> [Diagnostic] {
    let file = ABCParser().parse(abcText)
    return ABCValidator().validate(file).filter { $0.severity == .error }
  }
}
