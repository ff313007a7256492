using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Connectomics.Lora.Training;

/// <summary>The metrics of the trainers, on the <c>Connectomics.Lora</c> meter.</summary>
internal sealed class TrainingTelemetry
{
    /// <summary>The meter name, shared by every instrument of this package.</summary>
    public const string MeterName = "Connectomics.Lora";

    private static readonly Meter SharedMeter = new(MeterName, typeof(TrainingTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private readonly Counter<long> _steps;
    private readonly Counter<long> _tokens;
    private readonly Histogram<double> _loss;
    private readonly Histogram<double> _learningRate;
    private readonly Histogram<double> _gradientNorm;
    private readonly Histogram<double> _throughput;
    private readonly TagList _tags;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="task">The kind of run (<c>lora-finetuning</c>, <c>masked-lm</c>), a tag on every measurement.</param>
    /// <param name="model">The model's name, a tag on every measurement.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/> for the shared meter.</param>
    public TrainingTelemetry(string task, string model, IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = SharedMeter.Version }) ?? SharedMeter;
        _steps = meter.CreateCounter<long>("connectomics.train.steps", "{step}", "Optimizer steps taken.");
        _tokens = meter.CreateCounter<long>("connectomics.train.tokens", "{token}", "Real tokens trained on.");
        _loss = meter.CreateHistogram<double>("connectomics.train.loss", "1", "Training loss of each optimizer step.");
        _learningRate = meter.CreateHistogram<double>("connectomics.train.learning_rate", "1", "Learning rate of each optimizer step.");
        _gradientNorm = meter.CreateHistogram<double>("connectomics.train.gradient_norm", "1", "Global gradient norm before clipping.");
        _throughput = meter.CreateHistogram<double>("connectomics.train.throughput", "{token}/s", "Tokens per second of each optimizer step.");
        _tags = new TagList { { "task", task }, { "model", model } };
    }

    /// <summary>Records one optimizer step.</summary>
    /// <param name="tokens">The real tokens of the step.</param>
    /// <param name="loss">The step's loss.</param>
    /// <param name="learningRate">The learning rate used.</param>
    /// <param name="gradientNorm">The pre-clip gradient norm.</param>
    /// <param name="tokensPerSecond">The step's throughput.</param>
    public void RecordStep(long tokens, double loss, double learningRate, double gradientNorm, double tokensPerSecond)
    {
        _steps.Add(1, _tags);
        _tokens.Add(tokens, _tags);
        _loss.Record(loss, _tags);
        _learningRate.Record(learningRate, _tags);
        _gradientNorm.Record(gradientNorm, _tags);
        _throughput.Record(tokensPerSecond, _tags);
    }
}
