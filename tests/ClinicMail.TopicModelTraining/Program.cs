using System.Globalization;
using System.Text;
using ClinicMail.Core.Topics;
using ClinicMail.TopicModelTraining;

// Trains the topic detector's learned second opinion (docs/detection.md, "Round 7") and writes
// functions/ClinicMail.Core/Topics/Data/topic-model.txt. From the repository root:
//   dotnet run -c Release --project tests/ClinicMail.TopicModelTraining
// Deterministic: the same training files give the same file, byte for byte.
for (var a = 0; a + 1 < args.Length; a += 2)
{
    var value = float.Parse(args[a + 1], CultureInfo.InvariantCulture);
    _ = args[a] switch
    {
        "--l1" => LogisticTrainer.L1 = value,
        "--l2" => LogisticTrainer.L2 = value,
        _ => throw new ArgumentException($"Unknown option {args[a]} (known: --l1 X, --l2 Y)."),
    };
}

var root = TrainingFiles.FindRoot(Directory.GetCurrentDirectory());
var files = TrainingFiles.List(root);

// A message present in two files (the same subject and body) is kept once: it would weigh twice and sit in two folds.
var seen = new HashSet<string>(StringComparer.Ordinal);
var messages = new List<(LabelledMessage Message, string File)>();
foreach (var file in files)
{
    foreach (var m in TrainingFiles.Load(Path.Combine(root, file)))
    {
        if (seen.Add(m.Subject + "\u0000" + m.Body))
        {
            messages.Add((m, file));
        }
    }
}

Console.Error.WriteLine($"{files.Count} files, {messages.Count} distinct messages");
var examples = messages.Select(m => Example.Of(m.Message, m.File)).ToList();

var fold = CrossValidation.AssignFolds(examples.Count);
var outOfFold = CrossValidation.OutOfFold(examples, fold);
var thresholds = Enumerable.Range(0, TopicModel.Categories.Length).Select(c => CrossValidation.Choose(examples, outOfFold, c)).ToArray();
var report = CrossValidation.Report(examples, outOfFold, thresholds);
Console.WriteLine(report);

var models = Enumerable.Range(0, TopicModel.Categories.Length).Select(c => LogisticTrainer.Train(examples, c)).ToArray();

var text = new StringBuilder();
text.Append("# ClinicMail topic model: the learned second opinion of TopicDetector (docs/detection.md, \"Round 7\").\n");
text.Append("# Generated; do not edit. Retrain from the repository root: ").Append(TrainingFiles.RetrainCommand).Append('\n');
text.Append("# Trainer: ").Append(LogisticTrainer.Description).Append('\n');
text.Append(CultureInfo.InvariantCulture, $"# Features: TopicFeatures version {TopicFeatures.Version} (lexicon stems and folded words, adjacent-word bigrams, lexicon cue categories, message markers), {TopicFeatures.Buckets} buckets.\n");
text.Append(CultureInfo.InvariantCulture, $"# Data: {messages.Count} distinct messages of the development sets below (duplicates kept once).\n");
text.Append("# Thresholds: chosen per category on out-of-fold probabilities; an addition must be right two times in three,\n");
text.Append("# a drop must cost no recall in cross-validation. Cross-validation (rules alone vs rules + model):\n");
foreach (var line in report.TrimEnd().Split('\n'))
{
    text.Append("#   ").Append(line).Append('\n');
}

text.Append("format 1\n");
text.Append(CultureInfo.InvariantCulture, $"features {TopicFeatures.Version}\n");
text.Append(CultureInfo.InvariantCulture, $"buckets {TopicFeatures.Buckets}\n");
foreach (var file in files)
{
    text.Append(CultureInfo.InvariantCulture, $"train {file} {TrainingFiles.Sha256(root, file)}\n");
}

for (var c = 0; c < TopicModel.Categories.Length; c++)
{
    text.Append(CultureInfo.InvariantCulture,
        $"category {TopicCategoryIds.Of(TopicModel.Categories[c])} bias {Number(models[c].Bias)} add {Threshold(thresholds[c].Add)} drop {Threshold(thresholds[c].Drop)}\n");
}

var rows = 0;
for (var b = 0; b < TopicFeatures.Buckets; b++)
{
    if (models.All(m => m.Weights[b] == 0f))
    {
        continue;
    }

    rows++;
    text.Append(CultureInfo.InvariantCulture, $"w {b}");
    foreach (var m in models)
    {
        text.Append(' ').Append(Number(m.Weights[b]));
    }

    text.Append('\n');
}

var output = Path.Combine(root, TrainingFiles.ModelPath);
File.WriteAllText(output, text.ToString());
Console.Error.WriteLine($"wrote {TrainingFiles.ModelPath}: {rows} weighted buckets");

static string Number(float v) => v == 0f ? "0" : v.ToString("R", CultureInfo.InvariantCulture);

static string Threshold(float? t) => t is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "off";
