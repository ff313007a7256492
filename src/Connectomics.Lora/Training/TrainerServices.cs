using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Lora.Training;

/// <summary>The logger factory, meter factory and clock a trainer uses.</summary>
internal sealed class TrainerServices
{
    /// <summary>Gets or sets the logger factory.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Gets or sets the meter factory, or <see langword="null"/> for the shared meter.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Gets or sets the clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets a hook called after every optimizer step (tests use it to interrupt a run).</summary>
    public Action<long>? AfterStep { get; set; }
}
