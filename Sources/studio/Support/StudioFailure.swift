import ArgumentParser
import Foundation

/// A failure the CLI reports as one clear message and an exit status, with no stack trace.
///
/// Exit status convention: 1 = problems found in the input (e.g. validation errors), 2 = usage or I/O error.
struct StudioFailure: Error, CustomStringConvertible {
  var message: String
  var exitCode: Int32

  init(_ message: String, exitCode: Int32 = 2) {
    self.message = message
    self.exitCode = exitCode
  }

  var description: String { message }
}

/// Writes a line to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

extension Studio {
  /// Runs the command line with studio's exit-status convention: 0 success, 1 problems found in the input,
  /// 2 usage or I/O error (ArgumentParser's own default for usage errors is 64).
  static func runMain(_ arguments: [String]? = nil) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      SignalHandling.install()
      try command.run()
      Foundation.exit(0)
    } catch let failure as StudioFailure {
      printError("error: \(failure.message)")
      Foundation.exit(failure.exitCode)
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        // --help / --version
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      let message = fullMessage(for: error)
      printError(message.hasPrefix("Error:") || message.hasPrefix("error:") ? message : "error: \(message)")
      Foundation.exit(2)
    }
  }
}
