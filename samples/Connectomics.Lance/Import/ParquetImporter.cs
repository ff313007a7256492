using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Lance.Commands;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Parquet;

namespace Connectomics.Lance.Import;

/// <summary>
/// Streams Parquet files, row group by row group, into one commit of a Lance table. Every file is checked
/// (Parquet, vector column, column types) before anything is written; a failure later leaves the table as it was,
/// because the writer only commits at the end and deletes its data files otherwise.
/// </summary>
internal sealed class ParquetImporter(ImportSettings settings)
{
    public async Task<ImportResult> RunAsync(CancellationToken cancellationToken)
    {
        var files = ParquetInputFiles.Resolve(settings.Inputs);
        var table = settings.Table;
        var exists = table.Exists;
        if (settings.Mode == LanceWriteMode.Create && exists)
        {
            throw new CommandInputException($"table '{table.Name}' already exists in '{table.Database}'; import with --mode append or --mode overwrite.");
        }

        if (settings.Mode == LanceWriteMode.Append && !exists)
        {
            // A misspelled name must not quietly become a new table.
            throw new CommandInputException(
                $"table '{table.Name}' does not exist in '{table.Database}', so there is nothing to append to; nothing was written (--mode create makes a new table).");
        }

        var dimension = settings.Mode == LanceWriteMode.Append && exists ? await TableDimensionAsync(cancellationToken) : null;
        var schema = CheckFiles(files, ref dimension);

        var options = new LanceWriteOptions
        {
            Mode = settings.Mode,
            DataStorageVersion = settings.Format,
            MinRowsPerPage = settings.BatchRows,
        };
        LanceTableWriter? writer = null;
        try
        {
            foreach (var path in files)
            {
                using var file = ParquetArrowReader.Open(path, settings.BatchRows);
                await foreach (var batch in file.ReadAsync(cancellationToken: cancellationToken))
                {
                    // The writer keeps nothing of the batch's native memory once WriteAsync returns.
                    using (batch)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var vectors = ToVectors(batch, dimension);
                        dimension ??= new VectorDimension(LanceVectors.Dimension(vectors), Origin(batch.Start));
                        writer ??= await OpenWriterAsync(schema.ToTableSchema(dimension.Value), options, cancellationToken);
                        var columns = Enumerable.Range(0, batch.RecordBatch.ColumnCount)
                            .Select(i => i == schema.VectorIndex ? vectors : batch.RecordBatch.Column(i))
                            .ToArray();
                        try
                        {
                            await writer.WriteAsync(new RecordBatch(writer.Schema, columns, batch.Length), cancellationToken);
                        }
                        catch (ArgumentException e)
                        {
                            throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                                $"'{path}', row group {batch.Start.RowGroup}, rows {batch.Start.RowOffset} to {batch.Start.RowOffset + batch.Length - 1}: {e.Message}"), e);
                        }
                    }
                }
            }

            if (writer is null)
            {
                if (dimension is null)
                {
                    throw new CommandInputException("the input has no rows, so the vector dimension is unknown; nothing was written.");
                }

                writer = await OpenWriterAsync(schema.ToTableSchema(dimension.Value), options, cancellationToken);
            }

            var version = await writer.CompleteAsync(cancellationToken);
            return new ImportResult(files.Count, writer.RowsWritten, version);
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }

    /// <summary>Opens the writer; a table whose columns differ from the rows' is named by its name and database.</summary>
    private async Task<LanceTableWriter> OpenWriterAsync(Schema schema, LanceWriteOptions options, CancellationToken cancellationToken)
    {
        var table = settings.Table;
        try
        {
            return await LanceTableWriter.OpenAsync(table.Path, schema, options, cancellationToken);
        }
        catch (LanceFormatException e) when (e.FilePath == table.Path)
        {
            var problem = e.Message[(e.FilePath.Length + 2)..];
            throw new CommandInputException($"table '{table.Name}' in '{table.Database}': {char.ToLowerInvariant(problem[0])}{problem[1..]}", e);
        }
    }

    /// <summary>Turns the vector column into float vectors; a length that differs names where the dimension came from.</summary>
    private FixedSizeListArray ToVectors(ParquetArrowBatch batch, VectorDimension? dimension)
    {
        try
        {
            return batch.ToFloatVectors(settings.VectorColumn, dimension?.Value);
        }
        catch (ParquetInputException e) when (e.Error == ParquetInputError.VectorLength)
        {
            throw new CommandInputException($"{e.Message.TrimEnd('.')} ({dimension?.Origin ?? Origin(batch.Start)}).", e);
        }
    }

    private static string Origin(ParquetReadPosition position) => position.RowGroup == 0
        ? string.Create(CultureInfo.InvariantCulture, $"as in row {position.RowOffset} of '{position.FilePath}'")
        : string.Create(CultureInfo.InvariantCulture, $"as in row group {position.RowGroup}, row {position.RowOffset} of '{position.FilePath}'");

    private async Task<VectorDimension> TableDimensionAsync(CancellationToken cancellationToken)
    {
        var table = await settings.Table.OpenAsync(cancellationToken);
        var field = table.Schema.FieldsList.FirstOrDefault(f => f.Name == ImportSchema.VectorColumn);
        if (field?.DataType is not FixedSizeListType { ValueDataType: FloatType } list)
        {
            throw new CommandInputException($"table '{settings.Table.Name}' has no '{ImportSchema.VectorColumn}' column of float vectors to append to.");
        }

        return new VectorDimension(list.ListSize, $"as in table '{settings.Table.Name}'");
    }

    private ImportSchema CheckFiles(IReadOnlyList<string> files, ref VectorDimension? dimension)
    {
        ImportSchema? first = null;
        foreach (var path in files)
        {
            using var file = ParquetArrowReader.Open(path, settings.BatchRows);
            var schema = ImportSchema.For(file, settings.VectorColumn);
            if (first is not null && first.DifferenceFrom(schema) is { } difference)
            {
                throw new CommandInputException($"'{path}': {difference}.");
            }

            first ??= schema;
            if (schema.FixedDimension is int fixedDimension)
            {
                if (dimension is not null && dimension.Value != fixedDimension)
                {
                    throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                        $"'{path}', row 0: column '{settings.VectorColumn}' has {fixedDimension} values, but the vectors have {dimension}."));
                }

                dimension ??= new VectorDimension(fixedDimension, $"as in '{path}'");
            }
        }

        return first!;
    }
}
