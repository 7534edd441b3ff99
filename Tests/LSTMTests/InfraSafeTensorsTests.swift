import Foundation
import Testing

@testable import LSTM

@Suite struct InfraSafeTensorsTests {
  // MARK: - Fixtures

  static func sampleFile() -> SafeTensorsFile {
    var generator = SplitMix64(seed: 7)
    func randoms(_ n: Int) -> [Float] { (0..<n).map { _ in Float(generator.nextUnitDouble() * 4 - 2) } }
    return SafeTensorsFile(
      tensors: [
        ("embedding.weight", NamedTensor(shape: [5, 3], values: randoms(15))),
        ("lstm.weight_ih_l0", NamedTensor(shape: [8, 3], values: randoms(24))),
        ("lstm.bias_ih_l0", NamedTensor(shape: [8], values: randoms(8))),
        ("scalar", NamedTensor(shape: [], values: [0.25])),
        ("empty", NamedTensor(shape: [0, 4], values: [])),
        ("fc.bias", NamedTensor(shape: [5], values: [1, -1, 0, 65504, -0.0])),
      ],
      metadata: ["format": "studio-charlstm-v1", "vocab": "[\"\\n\",\"A\",\"é\"]", "empty": ""])
  }

  /// Builds file bytes from a header string and a data section, as a hostile writer could.
  static func rawFile(header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    let n = headerLength ?? UInt64(h.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: n >> UInt64(8 * $0)) } + h + data
  }

  static func expectError(
    _ bytes: [UInt8], _ expected: SafeTensorsError, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(throws: expected, sourceLocation: sourceLocation) { _ = try SafeTensorsFile.decode(bytes) }
  }

  // MARK: - Round trips

  @Test(arguments: TensorDType.allCases)
  func roundTripPerDType(dtype: TensorDType) throws {
    let file = Self.sampleFile()
    let bytes = file.encoded(dtype: dtype)
    let decoded = try SafeTensorsFile.decode(bytes)
    #expect(decoded.names == file.names)
    #expect(decoded.metadata == file.metadata)
    for (name, tensor) in file.tensors {
      let read = try #require(decoded[name])
      #expect(read.shape == tensor.shape)
      #expect(decoded.storedDTypes[name] == dtype.rawValue)
      let expected: [Float] = tensor.values.map {
        switch dtype {
        case .f32: return $0
        case .f16: return Float(Float16($0))
        case .bf16: return HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: $0))
        }
      }
      #expect(read.values.map(\.bitPattern) == expected.map(\.bitPattern), "\(name) as \(dtype)")
    }
    if dtype == .f32 { #expect(decoded == file) }
  }

  @Test func layoutMatchesTheReferenceFormat() throws {
    let file = SafeTensorsFile(
      tensors: [
        ("b", NamedTensor(shape: [2], values: [1, 2])),
        ("a", NamedTensor(shape: [1], values: [3])),
      ], metadata: ["k": "v"])
    let bytes = file.encoded(dtype: .f32)
    let n = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) })
    #expect(n % 8 == 0, "header padded to a multiple of 8")
    let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
    #expect(header.hasPrefix(#"{"__metadata__":{"k":"v"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":"#))
    #expect(header.hasSuffix(" ") || header.hasSuffix("}"))
    #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
    #expect(bytes.count == 8 + n + 12)
    #expect(Array(bytes[(8 + n)..<(8 + n + 4)]) == [0x00, 0x00, 0x80, 0x3F], "1.0 little-endian")
  }

  @Test func emptyMetadataIsOmittedAndReadBack() throws {
    let file = SafeTensorsFile(tensors: [("x", NamedTensor(shape: [1], values: [1]))])
    let bytes = file.encoded(dtype: .f16)
    #expect(!String(decoding: bytes, as: UTF8.self).contains("__metadata__"))
    #expect(try SafeTensorsFile.decode(bytes).metadata.isEmpty)
    let nullMetadata = Self.rawFile(
      header: #"{"__metadata__":null,"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#,
      data: [0, 0, 0x80, 0x3F])
    #expect(try SafeTensorsFile.decode(nullMetadata)["x"]?.values == [1])
  }

  @Test func readsF64() throws {
    let values: [Double] = [1.5, -2.25, 1e-3]
    let data = values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> UInt64(8 * $0)) } }
    let bytes = Self.rawFile(header: #"{"d":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}"#, data: data)
    let file = try SafeTensorsFile.decode(bytes)
    #expect(file["d"]?.values == values.map { Float($0) })
    #expect(file.storedDTypes["d"] == "F64")
  }

  @Test func unknownEntryKeysAreIgnoredAndEscapesDecoded() throws {
    let bytes = Self.rawFile(
      header:
        #"{"__metadata__":{"t\u00e9\n":"\ud83c\udfb5"},"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2],"extra":[1,{"a":null}]}}"#,
      data: [0x80, 0x3F])
    let file = try SafeTensorsFile.decode(bytes)
    #expect(file.metadata == ["té\n": "🎵"])
    #expect(file["x"]?.values == [1])
  }

  // MARK: - Half precision

  @Test func halfDecodingMatchesHardwareForAllBitPatterns() {
    var mismatches = 0
    for bits in 0...UInt16.max {
      let ours = HalfPrecision.float(fromHalfBits: bits)
      let reference = Float(Float16(bitPattern: bits))
      if reference.isNaN ? !ours.isNaN || ours.sign != reference.sign : ours.bitPattern != reference.bitPattern {
        mismatches += 1
      }
      if !reference.isNaN, HalfPrecision.halfBits(from: ours) != bits { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }

  @Test func halfEncodingMatchesHardwareRounding() {
    var generator = SplitMix64(seed: 2024)
    var checked = 0
    var mismatches: [Float] = []
    func check(_ f: Float) {
      checked += 1
      let reference = Float16(f)
      let ours = HalfPrecision.halfBits(from: f)
      if reference.isNaN {
        if !Float16(bitPattern: ours).isNaN { mismatches.append(f) }
      } else if ours != reference.bitPattern {
        mismatches.append(f)
      }
    }
    // Every exponent in and around the half range, with random mantissas and exact ties.
    for exponent in 90...160 {
      for _ in 0..<400 {
        let mantissa = UInt32(truncatingIfNeeded: generator.next()) & 0x7F_FFFF
        let sign: UInt32 = generator.next() & 1 == 0 ? 0 : 0x8000_0000
        check(Float(bitPattern: sign | UInt32(exponent) << 23 | mantissa))
        let tie = mantissa & ~0x1FFF | 0x1000  // exactly halfway between two normal halves
        check(Float(bitPattern: sign | UInt32(exponent) << 23 | tie))
      }
    }
    for _ in 0..<20000 { check(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))) }
    #expect(checked > 70000)
    let firstMismatches = mismatches.prefix(5).map { String($0.bitPattern, radix: 16) }
    #expect(mismatches.count == 0, "first mismatches (bit patterns): \(firstMismatches)")
  }

  @Test(arguments: [
    (Float(65504), UInt16(0x7BFF)),  // largest half
    (65519.996, 0x7BFF),  // just below the rounding boundary
    (65520, 0x7C00),  // halfway to 2^16: ties to even = infinity
    (.infinity, 0x7C00),
    (-.infinity, 0xFC00),
    (-0.0, 0x8000),
    (0x1p-24, 0x0001),  // smallest subnormal
    (0x1p-25, 0x0000),  // exactly half of it: ties to even = 0
    (0x1.000002p-25, 0x0001),  // just above half: rounds up
    (0x1.8p-24, 0x0002),  // 1.5 × smallest: tie, to even (2)
    (0x1.4p-23, 0x0002),  // 2.5 × smallest: tie, to even (2)
    (0x1p-14, 0x0400),  // smallest normal
    (0x1.ffcp-15, 0x0400),  // 0x3FF.8 subnormal units: tie, to even = smallest normal
    (1.0009765625, 0x3C01),  // 1 + 2^-10
    (1.00048828125, 0x3C00),  // 1 + 2^-11: tie, to even (down)
    (1.00146484375, 0x3C02),  // 1 + 3·2^-11: tie, to even (up)
    (1e-10, 0x0000),
  ])
  func halfEdgeCases(value: Float, bits: UInt16) {
    #expect(HalfPrecision.halfBits(from: value) == bits, "\(value)")
  }

  @Test func halfNaNStaysQuietNaNWithSign() {
    let negativeNaN = Float(bitPattern: 0xFFC0_0001)
    #expect(HalfPrecision.halfBits(from: .nan) & 0x7E00 == 0x7E00)
    #expect(HalfPrecision.halfBits(from: negativeNaN) & 0x8000 == 0x8000)
    #expect(HalfPrecision.float(fromHalfBits: 0x7C01).isNaN)
    #expect(HalfPrecision.float(fromHalfBits: 0xFE00).isNaN)
    #expect(HalfPrecision.float(fromHalfBits: 0xFC00) == -.infinity)
    #expect(HalfPrecision.float(fromHalfBits: 0x0001) == 0x1p-24)
  }

  /// Independent bfloat16 reference: pick the nearer of the two neighbouring bfloat16 values in `Double`
  /// arithmetic, ties to the even bit pattern, with the pattern above the largest finite value counting as 2¹²⁸.
  static func referenceBFloat16(_ f: Float) -> UInt16 {
    let bits = f.bitPattern
    let down = bits & 0xFFFF_0000
    let up = down &+ 0x1_0000
    func value(_ pattern: UInt32) -> Double {
      if pattern & 0x7F80_0000 == 0x7F80_0000 { return (pattern & 0x8000_0000 != 0 ? -1 : 1) * 0x1p128 }
      return Double(Float(bitPattern: pattern))
    }
    let x = Double(f)
    let dDown = abs(x - value(down))
    let dUp = abs(value(up) - x)
    if dDown < dUp { return UInt16(down >> 16) }
    if dUp < dDown { return UInt16(up >> 16) }
    return (down >> 16) & 1 == 0 ? UInt16(down >> 16) : UInt16(up >> 16)
  }

  @Test func bfloat16RoundsToNearestEven() {
    var generator = SplitMix64(seed: 99)
    var mismatches = 0
    for i in 0..<60000 {
      var bits = UInt32(truncatingIfNeeded: generator.next())
      if i % 3 == 0 { bits = bits & 0xFFFF_0000 | 0x8000 }  // exact ties
      let f = Float(bitPattern: bits)
      guard !f.isNaN, !f.isInfinite else { continue }
      if HalfPrecision.bfloat16Bits(from: f) != Self.referenceBFloat16(f) { mismatches += 1 }
      let back = HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: f))
      if back.isFinite, abs(Double(back) - Double(f)) > abs(Double(f)) * 0x1p-8 + 0x1p-133 { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(HalfPrecision.bfloat16Bits(from: 1) == 0x3F80)
    #expect(HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, even stays
    #expect(HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, odd rounds up
    #expect(HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0x3F80_8001)) == 0x3F81)
    #expect(HalfPrecision.bfloat16Bits(from: .greatestFiniteMagnitude) == 0x7F80)  // rounds to infinity
    #expect(HalfPrecision.bfloat16Bits(from: -.infinity) == 0xFF80)
    #expect(HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0x0001_8000)) == 0x0002)  // subnormal tie
    #expect(HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: .nan)).isNaN)
    #expect(
      HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0x7F80_0001)) & 0x7FC0 == 0x7FC0, "signalling NaN quieted")
  }

  // MARK: - Malformed files

  @Test func rejectsTooShortFiles() {
    Self.expectError([], .fileTooShort(fileSize: 0))
    Self.expectError([1, 2, 3, 4, 5], .fileTooShort(fileSize: 5))
  }

  @Test func rejectsHeaderLengthBeyondFile() {
    Self.expectError(
      Self.rawFile(header: "{}", headerLength: 1000), .headerLengthBeyondFile(headerLength: 1000, fileSize: 10))
    Self.expectError(
      Self.rawFile(header: "", headerLength: UInt64.max),
      .headerTooLarge(headerLength: UInt64.max, limit: SafeTensorsFile.maximumHeaderLength))
    Self.expectError(
      Self.rawFile(header: "", headerLength: 1 << 63),
      .headerTooLarge(headerLength: 1 << 63, limit: SafeTensorsFile.maximumHeaderLength))
  }

  @Test func truncatedFilesNameTheTensorThatIsCut() throws {
    let bytes = Self.sampleFile().encoded(dtype: .f32)
    let cut = Array(bytes.dropLast(3))
    #expect(throws: SafeTensorsError.offsetsOutOfRange(tensor: "fc.bias", begin: 192, end: 212, dataSize: 209)) {
      _ = try SafeTensorsFile.decode(cut)
    }
    // Cut inside the header.
    #expect(throws: SafeTensorsError.self) { _ = try SafeTensorsFile.decode(Array(bytes.prefix(40))) }
    if case .headerLengthBeyondFile? = Self.decodeError(Array(bytes.prefix(40))) {
    } else {
      Issue.record("expected headerLengthBeyondFile")
    }
  }

  static func decodeError(_ bytes: [UInt8]) -> SafeTensorsError? {
    do {
      _ = try SafeTensorsFile.decode(bytes)
      return nil
    } catch { return error }
  }

  @Test(arguments: [
    #"{"a":"#, #"{"a":1,}"#, "{'a':1}", #"{"a":tru}"#, "[1 2]", #"{"a":"\x"}"#, #"{"a":01}"#, "{} x",
    #"{"a":"\ud800"}"#, #"{"a":"\u12"}"#, "",
  ])
  func rejectsInvalidJSON(header: String) {
    guard case .invalidHeaderJSON? = Self.decodeError(Self.rawFile(header: header)) else {
      Issue.record("expected invalidHeaderJSON for \(header)")
      return
    }
  }

  @Test func rejectsInvalidUTF8AndDeepNesting() {
    let badUTF8 = Self.rawFile(header: "{\"a\u{E9}\":1}").map { $0 == 0xA9 ? 0xFF : $0 }
    guard case .invalidHeaderJSON? = Self.decodeError(badUTF8) else {
      Issue.record("expected invalidHeaderJSON for invalid UTF-8")
      return
    }
    let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
    guard case .invalidHeaderJSON(_, let reason)? = Self.decodeError(Self.rawFile(header: #"{"a":"# + deep + "}"))
    else {
      Issue.record("expected invalidHeaderJSON for deep nesting")
      return
    }
    #expect(reason.contains("nested"))
  }

  @Test func rejectsStructuralProblemsNamingTheTensor() {
    let f32x2: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
    Self.expectError(Self.rawFile(header: "[]"), .headerNotAnObject(found: "array"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}"#, data: f32x2),
      .unknownDType(tensor: "w", dtype: "F12"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: f32x2),
      .unsupportedDType(tensor: "w", dtype: "I64"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: f32x2),
      .offsetsOutOfRange(tensor: "w", begin: 0, end: 16, dataSize: 8))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: f32x2),
      .reversedOffsets(tensor: "w", begin: 8, end: 0))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,8]}}"#, data: f32x2),
      .sizeMismatch(tensor: "w", dtype: "F32", shape: [2, 3], expectedBytes: 24, begin: 0, end: 8))
    Self.expectError(
      Self.rawFile(
        header:
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
        data: f32x2),
      .overlappingTensors(tensor: "b", begin: 4, end: 8, other: "a", otherBegin: 0, otherEnd: 8))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: f32x2),
      .unusedBytes(start: 0, end: 4, dataSize: 8))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: f32x2),
      .unusedBytes(start: 4, end: 8, dataSize: 8))
    Self.expectError(
      Self.rawFile(
        header:
          #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
        data: f32x2),
      .duplicateEntry(name: "w"))
    Self.expectError(
      Self.rawFile(header: #"{"__metadata__":{"k":1}}"#),
      .invalidMetadata(key: "k", reason: "value must be a string, found number"))
    Self.expectError(
      Self.rawFile(header: #"{"__metadata__":[]}"#),
      .invalidMetadata(key: nil, reason: "must be an object of strings, found array"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[2]}}"#, data: f32x2),
      .invalidTensorEntry(tensor: "w", reason: "missing \"data_offsets\""))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: f32x2),
      .invalidTensorEntry(tensor: "w", reason: "\"shape\" must be an array of non-negative integers, found -2"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, data: f32x2),
      .invalidTensorEntry(tensor: "w", reason: "\"shape\" must be an array of non-negative integers, found 2.0"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999]}}"#, data: f32x2),
      .invalidTensorEntry(tensor: "w", reason: "\"data_offsets\" must be two non-negative integers [begin, end]"))
    Self.expectError(
      Self.rawFile(header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: f32x2),
      .sizeOverflow(tensor: "w", shape: [4_611_686_018_427_387_904, 4]))
    Self.expectError(
      Self.rawFile(header: #"{"w":[]}"#),
      .invalidTensorEntry(tensor: "w", reason: "entry must be an object, found array"))
  }

  @Test func errorDescriptionsNameTensorAndNumbers() {
    let e = SafeTensorsError.inFile(
      path: "m.safetensors",
      error: .sizeMismatch(
        tensor: "fc.weight", dtype: "F16", shape: [83, 256], expectedBytes: 42496, begin: 0, end: 100))
    #expect(
      e.description == "m.safetensors: error: tensor 'fc.weight': data_offsets [0, 100] hold 100 bytes, "
        + "but shape [83, 256] of F16 needs 42496")
    #expect(SafeTensorsError.headerLengthBeyondFile(headerLength: 1000, fileSize: 10).description.contains("1000"))
  }

  @Test func randomCorruptionNeverTraps() {
    let valid = Self.sampleFile().encoded(dtype: .f16)
    var generator = SplitMix64(seed: 5)
    var failures = 0
    for round in 0..<1500 {
      var bytes = valid
      switch round % 3 {
      case 0:
        for _ in 0..<(1 + generator.nextIndex(below: 4)) {
          bytes[generator.nextIndex(below: bytes.count)] = UInt8(truncatingIfNeeded: generator.next())
        }
      case 1:
        bytes = Array(bytes.prefix(generator.nextIndex(below: bytes.count)))
      default:
        let i = generator.nextIndex(below: min(bytes.count, 300))  // inside the header: digits, quotes, braces
        bytes[i] = Array("0123456789[]{}\",:-. e".utf8)[generator.nextIndex(below: 21)]
      }
      if (try? SafeTensorsFile.decode(bytes)) == nil { failures += 1 }
    }
    #expect(failures > 500, "most corruptions are detected")
  }

  // MARK: - Files

  @Test func writeAndReadThroughTheFileSystem() throws {
    let directory = try InfraSupport.temporaryDirectory()
    let path = directory + "/sub/model.safetensors"
    let file = Self.sampleFile()
    try file.write(to: path, dtype: .f32)
    #expect(try SafeTensorsFile.read(path: path) == file)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/sub")
    #expect(leftovers == ["model.safetensors"])
  }

  @Test func failedWritesLeaveTheOldFileIntact() throws {
    let directory = try InfraSupport.temporaryDirectory()
    let path = directory + "/model.safetensors"
    try Self.sampleFile().write(to: path, dtype: .bf16)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))

    var bad = Self.sampleFile()
    bad.tensors[0].tensor.values.removeLast()
    #expect(throws: SafeTensorsError.valueCountMismatch(tensor: "embedding.weight", shape: [5, 3], valueCount: 14)) {
      try bad.write(to: path, dtype: .f32)
    }
    var duplicate = Self.sampleFile()
    duplicate.tensors.append(duplicate.tensors[0])
    #expect(throws: SafeTensorsError.duplicateEntry(name: "embedding.weight")) {
      try duplicate.write(to: path, dtype: .f32)
    }
    var reserved = Self.sampleFile()
    reserved.tensors.append(("__metadata__", NamedTensor(shape: [], values: [1])))
    #expect(throws: SafeTensorsError.invalidTensorName("__metadata__")) { try reserved.write(to: path, dtype: .f32) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

    // An I/O failure: the parent "directory" is a file.
    let blocked = path + "/inner.safetensors"
    do {
      try Self.sampleFile().write(to: blocked, dtype: .f32)
      Issue.record("writing below a file must fail")
    } catch {
      guard case .io(let io) = error else {
        Issue.record("expected an io error, got \(error)")
        return
      }
      #expect(io.description.contains(path))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
  }

  @Test func readErrorsNameThePath() throws {
    let directory = try InfraSupport.temporaryDirectory()
    do {
      _ = try SafeTensorsFile.read(path: directory + "/missing.safetensors")
      Issue.record("expected an error")
    } catch {
      guard case .io(let io) = error else {
        Issue.record("expected io, got \(error)")
        return
      }
      #expect(io.code == ENOENT)
    }
    let path = directory + "/bad.safetensors"
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
    #expect(throws: SafeTensorsError.inFile(path: path, error: .fileTooShort(fileSize: 3))) {
      _ = try SafeTensorsFile.read(path: path)
    }
    #expect(
      SafeTensorsError.inFile(path: path, error: .fileTooShort(fileSize: 3)).description.hasPrefix(path + ": error: "))
  }

  // MARK: - PyTorch interop

  /// Reads (`read PATH...`: prints one JSON line per file) or writes (`write SPEC.json`) safetensors files with
  /// the `safetensors` library and PyTorch; prints `SKIP reason` when they cannot be imported.
  static let pythonInterop = #"""
    import json, sys
    try:
        import torch
        from safetensors import safe_open
        from safetensors.torch import save_file
    except Exception as e:
        print("SKIP cannot import torch and safetensors: %s" % e)
        sys.exit(0)
    if sys.argv[1] == "read":
        for path in sys.argv[2:]:
            out = {}
            with safe_open(path, framework="pt") as f:
                out["__metadata__"] = f.metadata()
                for k in f.keys():
                    t = f.get_tensor(k)
                    out[k] = {"dtype": str(t.dtype), "shape": list(t.shape),
                              "bits": [int(b) for b in t.float().reshape(-1).view(torch.int32).tolist()]}
            print(json.dumps(out))
    else:
        dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
        for job in json.loads(open(sys.argv[2]).read()):
            tensors = {}
            for name, e in job["tensors"].items():
                t = torch.tensor(e["bits"], dtype=torch.int32).view(torch.float32).reshape(e["shape"])
                tensors[name] = t.to(dtypes[e["dtype"]])
            save_file(tensors, job["path"], metadata=job["metadata"])
        print("ok")
    """#

  /// Runs the interop script with the PyTorch venv; `nil` (reason printed) when it is unavailable.
  static func runInterop(_ arguments: [String]) throws -> String? {
    guard let python = InfraSupport.torchPython else {
      print("skipping PyTorch safetensors interop: no $TORCH_PYTHON and no /tmp/torchenv/bin/python")
      return nil
    }
    let (status, out, err) = try InfraSupport.runPython(python, script: pythonInterop, arguments: arguments)
    try #require(status == 0, "python failed: \(err)")
    if out.hasPrefix("SKIP") {
      print("skipping PyTorch safetensors interop: \(out.dropFirst(5))")
      return nil
    }
    return out
  }

  @Test(.timeLimit(.minutes(2)))
  func pythonReadsOurFiles() throws {
    let directory = try InfraSupport.temporaryDirectory()
    var file = Self.sampleFile()
    file.tensors[0].tensor.values[0] = .infinity
    file.tensors[0].tensor.values[1] = 0x1p-20  // subnormal in f16
    file.tensors[0].tensor.values[2] = 1.00146484375  // f16 tie
    var paths: [String] = []
    for dtype in TensorDType.allCases {
      paths.append(directory + "/ours-\(dtype.rawValue).safetensors")
      try file.write(to: paths.last!, dtype: dtype)
    }
    guard let output = try Self.runInterop(["read"] + paths) else { return }
    let lines = output.split(separator: "\n")
    try #require(lines.count == TensorDType.allCases.count)
    for (dtype, line) in zip(TensorDType.allCases, lines) {
      guard case .object(let members)? = try? JSONValue.parse(String(line)) else {
        Issue.record("unreadable python output: \(line)")
        return
      }
      let result = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      guard case .object(let meta)? = result["__metadata__"] else {
        Issue.record("no metadata")
        return
      }
      var metadata: [String: String] = [:]
      for (key, value) in meta { if case .string(let s) = value { metadata[key] = s } }
      #expect(metadata == file.metadata)
      #expect(Set(result.keys) == Set(file.names + ["__metadata__"]))
      let decoded = try SafeTensorsFile.decode(file.encoded(dtype: dtype))
      for (name, tensor) in file.tensors {
        guard case .object(let entry)? = result[name] else {
          Issue.record("python lacks \(name)")
          continue
        }
        let e = Dictionary(entry.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard case .array(let bits)? = e["bits"], case .array(let shape)? = e["shape"] else { continue }
        #expect(shape.compactMap(\.nonNegativeInt) == tensor.shape, "\(name) shape")
        let expected = decoded[name]?.values.map { Int32(bitPattern: $0.bitPattern) }
        #expect(bits.compactMap { $0.doubleValue.map { Int32($0) } } == expected, "\(name) values as \(dtype)")
      }
    }
  }

  @Test(.timeLimit(.minutes(2)))
  func weReadPythonFiles() throws {
    let directory = try InfraSupport.temporaryDirectory()
    var generator = SplitMix64(seed: 11)
    var values = (0..<64).map { _ in Float(generator.nextUnitDouble() * 8 - 4) }
    // Specials, and exact f16/bf16 ties that round down under ties-to-even (1 + 2⁻¹¹, 1 + 2⁻⁸, 2⁻²⁵).
    values += [0x1p-20, 65519.996, 70000, -0.0, 1.00146484375, 0x1p-127, 1.00048828125, 1.00390625, 0x1p-25]
    let bits = JSONValue.array(values.map { .integer(Int(Int32(bitPattern: $0.bitPattern))) })
    var jobs: [JSONValue] = []
    for dtype in TensorDType.allCases {
      jobs.append(
        .object([
          ("path", .string(directory + "/torch-\(dtype.rawValue).safetensors")),
          (
            "tensors",
            .object([
              (
                "w",
                .object([
                  ("dtype", .string(dtype.rawValue)), ("shape", .array([.integer(1), .integer(values.count)])),
                  ("bits", bits),
                ])
              ),
              (
                "b",
                .object([
                  ("dtype", .string(dtype.rawValue)), ("shape", .array([.integer(values.count)])), ("bits", bits),
                ])
              ),
            ])
          ),
          ("metadata", .object([("vocab", .string("[\"a\",\"é\"]")), ("format", .string("studio-charlstm-v1"))])),
        ]))
    }
    let specPath = directory + "/jobs.json"
    try InfraSupport.write(JSONValue.array(jobs).serialized, to: specPath)
    guard try Self.runInterop(["write", specPath]) != nil else { return }
    for dtype in TensorDType.allCases {
      let file = try SafeTensorsFile.read(path: directory + "/torch-\(dtype.rawValue).safetensors")
      #expect(file.metadata == ["vocab": "[\"a\",\"é\"]", "format": "studio-charlstm-v1"])
      #expect(file.storedDTypes["w"] == dtype.rawValue)
      #expect(file["w"]?.shape == [1, values.count])
      // PyTorch rounds float32 → f16/bf16 itself; our reader must give exactly our own rounding of the same values.
      let ours = try SafeTensorsFile.decode(
        SafeTensorsFile(tensors: [("w", NamedTensor(shape: [values.count], values: values))])
          .encoded(dtype: dtype))["w"]?.values
      #expect(file["w"]?.values.map(\.bitPattern) == ours?.map(\.bitPattern), "\(dtype)")
      #expect(file["b"]?.values.map(\.bitPattern) == ours?.map(\.bitPattern), "\(dtype)")
    }
  }
}
