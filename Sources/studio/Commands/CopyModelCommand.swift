import ArgumentParser
import Foundation
import LSTM

extension CorpusCommand {
  /// `studio corpus copy-model`: fit a trained model's copy model on its training tunes.
  struct CopyModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "copy-model",
      abstract: "Fit a model's copy model (copy.json) on its training tunes.",
      discussion: """
        The copy model lets generated tunes restate their own bars the way the corpus does. It remembers the tune \
        being written, finds the last place where its latest characters (at least 5) were written before, and \
        predicts the character that came next there; the longer the match has run, the more weight it gets in the \
        mixture with the LSTM. The weights (one per match length) are fitted by maximum likelihood on the model's \
        training tunes, never its held-out ones, so `studio evaluate` can judge the mixture on the held-out tunes.

        studio train writes copy.json beside every model it exports; this command refits one, e.g. for a model \
        trained before copy models existed or with PyTorch:
          studio corpus copy-model --model irish
          studio corpus copy-model --model runs/models/pop/model.safetensors --corpus corpora/pop909-phrases.abc

        The corpus and split: --corpus (split by data: in config.yaml), else the config.yaml beside the model.
        Generation uses copy.json unless generation.copy_model is false or --no-copy is given.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Model name or path. Default: generation.model.", valueName: "name|path"))
    var model: String?
    @Option(help: ArgumentHelp("Training corpus (repeat for several).", valueName: "path"))
    var corpus: [String] = []
    @Option(help: "Characters of training tunes to score, 1000…100000000.")
    var characters = CopyModelFitting.defaultCharacterBudget
    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of copy.json beside the model.", valueName: "path"))
    var output: String?

    func validate() throws {
      guard (1000...100_000_000).contains(characters) else {
        throw ValidationError("--characters must be between 1000 and 100000000")
      }
    }

    func run() throws {
      let config = try global.loadConfig()
      let modelPath = try ModelLocator.resolve(
        model ?? config.generation.model, modelsDirectory: config.training.modelsDirectory)
      let source = ModelCorpus(corpusPaths: corpus, config: config)
      let plan = try source.plan(modelPath: modelPath)
      let (corpora, missing) = try source.load(plan, modelPath: modelPath)
      guard !plan.paths.isEmpty, missing.isEmpty else {
        throw StudioFailure(
          missing.isEmpty
            ? "no corpus is configured for this model; pass --corpus PATH"
            : "corpus \(missing.joined(separator: ", ")) not found (from \(plan.origin)); pass --corpus PATH")
      }
      let training = ModelCorpus.split(corpora, plan).flatMap(\.train)
      let languageModel = try LanguageModel(checkpoint: try Checkpoint.read(path: modelPath), threads: 1)
      let copy = try CopyModelFitting.fit(model: languageModel, tunes: training, characterBudget: characters)
      let destination =
        output ?? ((modelPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
          CopyModel.fileName)
      try AtomicWriter.write(Array(try copy.jsonData()), to: destination)
      print("\(CopyModelFitting.summary(copy))\nwritten to \(destination) (corpus and split from \(plan.origin))")
    }
  }
}
