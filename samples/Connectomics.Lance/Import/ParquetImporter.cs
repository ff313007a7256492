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
        var files = ResolveFiles();
        var table = settings.Table;
        var exists = table.Exists;
        if (settings.Mode == LanceWriteMode.Create && exists)
        {
            throw new CommandInputException($"table '{table.Name}' already exists in '{table.Database}'; import with --mode append or --mode overwrite.");
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
                using var file = ParquetArrowFile.Open(path, settings.BatchRows);
                long row = 0;
                for (var rowGroup = 0; rowGroup < file.RowGroupCount; rowGroup++)
                {
                    await foreach (var batch in file.ReadRowGroupAsync(rowGroup, cancellationToken))
                    {
                        using (batch)
                        {
                            if (batch.Length == 0)
                            {
                                continue;
                            }

                            var vectors = batch.Column(schema.VectorIndex);
                            dimension ??= new VectorDimension(
                                VectorColumnConverter.LengthOfFirstRow(vectors, path, row, settings.VectorColumn),
                                string.Create(CultureInfo.InvariantCulture, $"as in row {row} of '{path}'"));
                            writer ??= await LanceTableWriter.OpenAsync(table.Path, schema.ToTableSchema(dimension.Value), options, cancellationToken);
                            var converted = Convert(batch, schema, writer.Schema, dimension, path, row);
                            try
                            {
                                await writer.WriteAsync(converted, cancellationToken);
                            }
                            catch (ArgumentException e)
                            {
                                throw new CommandInputException(string.Create(CultureInfo.InvariantCulture, $"'{path}', rows {row} to {row + batch.Length - 1}: {e.Message}"), e);
                            }

                            row += batch.Length;
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

                writer = await LanceTableWriter.OpenAsync(table.Path, schema.ToTableSchema(dimension.Value), options, cancellationToken);
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

    private static RecordBatch Convert(RecordBatch batch, ImportSchema schema, Schema tableSchema, VectorDimension dimension, string path, long firstRow)
    {
        var columns = new IArrowArray[batch.ColumnCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = i == schema.VectorIndex
                ? VectorColumnConverter.Convert(batch.Column(i), dimension, path, firstRow, schema.VectorSourceName)
                : ManagedArrowCopy.Copy(batch.Column(i));
        }

        return new RecordBatch(tableSchema, columns, batch.Length);
    }

    private IReadOnlyList<string> ResolveFiles()
    {
        // The library's input resolution (files, directories of *.parquet, globs), shared with the sequence reader.
        var source = new ParquetSequenceSource(new ParquetSequenceSourceOptions { Inputs = [.. settings.Inputs] });
        return source.ResolveFiles();
    }

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
            using var file = ParquetArrowFile.Open(path, settings.BatchRows);
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
