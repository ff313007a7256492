using Apache.Arrow;
using Connectomics.Durability;
using Connectomics.Storage.Arrow;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Lance.Files;

/// <summary>
/// Cuts rows into Lance data files of at most <see cref="LanceWriteOptions.MaxRowsPerFragment"/> rows, one fragment
/// each, writing them a page at a time (at least <see cref="LanceWriteOptions.MinRowsPerPage"/> rows a page, the
/// rest waiting for more). A closed file is finished, flushed to storage and added to <see cref="Fragments"/>; what
/// the fragments are committed with, and which files are removed when they are not, is the owner's business.
/// </summary>
/// <remarks>Not thread-safe: call its methods one at a time.</remarks>
internal sealed class FragmentFileWriter : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly Func<string> _newFileName;
    private readonly Action<string> _fileCreated;
    private readonly IDurableFileSystem _fileSystem;
    private readonly long _maxRowsPerFragment;
    private readonly int _minRowsPerPage;
    private readonly IReadOnlyList<LanceFieldInfo> _fields;
    private readonly IReadOnlyList<ColumnType> _types;
    private readonly LanceDataStorageVersion _version;
    private readonly List<RecordBatch> _page = [];
    private long _pageRows;
    private int _pageCopied;
    private DataFileWriter? _file;
    private FileStream? _stream;
    private string? _fileName;

    /// <summary>Initializes a writer of data files in a table's data directory.</summary>
    /// <param name="dataDirectory">The directory the data files go in.</param>
    /// <param name="newFileName">Names the next data file (a file name, without directory).</param>
    /// <param name="fileCreated">Told the path of each data file once it is created, before anything is written to it.</param>
    /// <param name="options">The file system and the fragment and page sizes.</param>
    /// <param name="fields">The table's top-level fields, in column order.</param>
    /// <param name="types">The column types, in the same order.</param>
    /// <param name="version">The data file format version.</param>
    public FragmentFileWriter(
        string dataDirectory,
        Func<string> newFileName,
        Action<string> fileCreated,
        LanceWriteOptions options,
        IReadOnlyList<LanceFieldInfo> fields,
        IReadOnlyList<ColumnType> types,
        LanceDataStorageVersion version)
    {
        _dataDirectory = dataDirectory;
        _newFileName = newFileName;
        _fileCreated = fileCreated;
        _fileSystem = options.FileSystem;
        _maxRowsPerFragment = options.MaxRowsPerFragment;
        _minRowsPerPage = options.MinRowsPerPage;
        _fields = fields;
        _types = types;
        _version = version;
    }

    /// <summary>Gets the fragments of the files closed so far, one data file each, in the order they were written.</summary>
    public List<FragmentInfo> Fragments { get; } = [];

    /// <summary>Gets the number of rows taken by <see cref="WriteAsync"/> so far, counted as they are taken.</summary>
    public long RowsTaken { get; private set; }

    /// <summary>
    /// Takes the rows: into the open data file (opening one when none is), closing it when it is full and writing a
    /// page when enough rows wait. Rows that wait for a fuller page are kept as slices of <paramref name="rows"/>.
    /// </summary>
    /// <param name="rows">The rows, already checked against the table's schema.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the rows are written or waiting for a fuller page.</returns>
    public async ValueTask WriteAsync(RecordBatch rows, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (offset < rows.Length)
        {
            if (_file is null)
            {
                OpenFile();
            }

            var room = _maxRowsPerFragment - _file!.Rows - _pageRows;
            var take = (int)Math.Min(room, rows.Length - offset);
            _page.Add(offset == 0 && take == rows.Length ? rows : rows.Slice(offset, take));
            _pageRows += take;
            offset += take;
            RowsTaken += take;
            if (_file.Rows + _pageRows >= _maxRowsPerFragment)
            {
                await CloseFileAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (_pageRows >= _minRowsPerPage)
            {
                await FlushPageAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Copies the rows waiting for a fuller page that are not copied yet, so that they outlive the caller's batches.</summary>
    public void CopyWaitingRows()
    {
        for (var i = _pageCopied; i < _page.Count; i++)
        {
            _page[i] = ManagedArrowCopy.Copy(_page[i]);
        }

        _pageCopied = _page.Count;
    }

    /// <summary>
    /// Writes the waiting rows, finishes the open data file, flushes it to storage and adds it to
    /// <see cref="Fragments"/>. Does nothing when no file is open.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask CloseFileAsync(CancellationToken cancellationToken)
    {
        if (_file is null || _stream is null)
        {
            return;
        }

        await FlushPageAsync(cancellationToken).ConfigureAwait(false);
        var size = await _file.FinishAsync(cancellationToken).ConfigureAwait(false);

        // On storage before any manifest that refers to it is published; the commit flushes the directory.
        _fileSystem.FlushFile(_stream);
        await _stream.DisposeAsync().ConfigureAwait(false);
        var (major, minor) = _file.ManifestVersion;
        var dataFile = new DataFileInfo { Path = _fileName!, MajorVersion = major, MinorVersion = minor, FileSizeBytes = (ulong)size };
        for (var i = 0; i < _fields.Count; i++)
        {
            dataFile.Fields.Add(_fields[i].Id);
            dataFile.ColumnIndices.Add(i);
        }

        var fragment = new FragmentInfo { PhysicalRows = (ulong)_file.Rows };
        fragment.Files.Add(dataFile);
        Fragments.Add(fragment);
        _file = null;
        _stream = null;
    }

    /// <summary>Closes the open data file's stream, if any, without finishing it; drops the waiting rows. Never throws an <see cref="IOException"/>.</summary>
    /// <returns>A task that completes when the stream is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            try
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
            }

            _stream = null;
        }

        _file = null;
        _page.Clear();
        _pageRows = 0;
        _pageCopied = 0;
    }

    private void OpenFile()
    {
        _fileName = _newFileName();
        var path = Path.Combine(_dataDirectory, _fileName);
        _stream = _fileSystem.CreateNew(path, 1 << 16, FileOptions.Asynchronous);
        _fileCreated(path);
        _file = new DataFileWriter(_stream, _fields, _types, _version);
    }

    /// <summary>Writes the rows waiting for a fuller page as one page per column.</summary>
    private async ValueTask FlushPageAsync(CancellationToken cancellationToken)
    {
        if (_page.Count == 0)
        {
            return;
        }

        // The data file writer combines the batches into one page, copying only the columns that need it.
        RecordBatch[] parts = [.. _page];
        _page.Clear();
        _pageRows = 0;
        _pageCopied = 0;
        await _file!.WriteAsync(parts, cancellationToken).ConfigureAwait(false);
    }
}
