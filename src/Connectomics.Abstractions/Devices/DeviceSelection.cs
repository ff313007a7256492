using System.Globalization;

namespace Connectomics.Devices;

/// <summary>
/// Which devices a model should run on: <see cref="Auto"/> (the first CUDA device when one is present, else the
/// CPU), the CPU, one CUDA device, or several CUDA devices used data-parallel (one model replica each).
/// </summary>
/// <remarks>Text forms accepted by <see cref="Parse"/>: <c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>,
/// <c>cuda:0,1,3</c>, <c>cuda:all</c>.</remarks>
public sealed class DeviceSelection
{
    private DeviceSelection(DeviceSelectionMode mode, IReadOnlyList<ComputeDevice> devices)
    {
        Mode = mode;
        Devices = devices;
    }

    /// <summary>Gets the selection that picks the first CUDA device when one is present, else the CPU.</summary>
    public static DeviceSelection Auto { get; } = new(DeviceSelectionMode.Auto, []);

    /// <summary>Gets the selection of all CUDA devices present (data-parallel).</summary>
    public static DeviceSelection AllCuda { get; } = new(DeviceSelectionMode.AllCuda, []);

    /// <summary>Gets the selection of the CPU.</summary>
    public static DeviceSelection Cpu { get; } = new(DeviceSelectionMode.Explicit, [ComputeDevice.Cpu]);

    /// <summary>Gets how the devices are chosen.</summary>
    public DeviceSelectionMode Mode { get; }

    /// <summary>Gets the devices named explicitly (empty for <see cref="DeviceSelectionMode.Auto"/> and
    /// <see cref="DeviceSelectionMode.AllCuda"/>).</summary>
    public IReadOnlyList<ComputeDevice> Devices { get; }

    /// <summary>Selects the given devices. More than one must all be CUDA devices, each named once.</summary>
    /// <param name="devices">The devices.</param>
    /// <returns>The selection.</returns>
    public static DeviceSelection Of(params ComputeDevice[] devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Length == 0)
        {
            throw new ArgumentException("At least one device is required.", nameof(devices));
        }

        if (devices.Length > 1 && devices.Any(d => d.Kind != DeviceKind.Cuda))
        {
            throw new ArgumentException("Several devices are used data-parallel and must all be CUDA devices.", nameof(devices));
        }

        if (devices.Distinct().Count() != devices.Length)
        {
            throw new ArgumentException("Each device may be named once.", nameof(devices));
        }

        return new DeviceSelection(DeviceSelectionMode.Explicit, devices.ToArray());
    }

    /// <summary>Parses a selection (see the remarks for the accepted forms).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The selection.</returns>
    /// <exception cref="FormatException">The text names no selection.</exception>
    public static DeviceSelection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "auto":
                return Auto;
            case "cuda:all":
                return AllCuda;
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal) && t.Contains(',', StringComparison.Ordinal))
        {
            var devices = new List<ComputeDevice>();
            foreach (var part in t[5..].Split(','))
            {
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw new FormatException($"'{text}' is not a device list: '{part}' is not a CUDA ordinal.");
                }

                devices.Add(ComputeDevice.Cuda(index));
            }

            try
            {
                return Of([.. devices]);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"'{text}' is not a valid device list: {e.Message}", e);
            }
        }

        return Of(ComputeDevice.Parse(text));
    }

    /// <inheritdoc />
    public override string ToString() => Mode switch
    {
        DeviceSelectionMode.Auto => "auto",
        DeviceSelectionMode.AllCuda => "cuda:all",
        _ when Devices.Count == 1 => Devices[0].ToString(),
        _ => "cuda:" + string.Join(',', Devices.Select(d => d.Index.ToString(CultureInfo.InvariantCulture))),
    };
}
