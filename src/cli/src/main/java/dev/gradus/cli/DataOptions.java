// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.data.Standardization;
import dev.gradus.io.ModelFile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the data comes from: the built-in MNIST subset (no flag), an MNIST-style directory of IDX
 * files ({@code --data}), or a CSV file with a label column ({@code --csv}, {@code --label}).
 */
final class DataOptions {
    /** Where the built-in subset lives on the class path (see its README there). */
    static final String BUILTIN = "/dev/gradus/cli/mnist/";

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST-style IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-..., raw or .gz). "
                    + "Default: none (the built-in MNIST subset).")
    Path mnistDir;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "A CSV file of numeric feature columns and one label column (a header line is detected). "
                    + "Default: none.")
    Path csv;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "The CSV's label column: a header name or a 0-based index (-1 = last). Default: none "
                    + "(required with --csv).")
    String label;

    @Option(names = "--categorical", paramLabel = "COLUMN", split = ",", splitSynopsisLabel = ",",
            description = "With --csv: feature columns (header names) of categories, each one-hot encoded with the categories "
                    + "of the training rows (not the test or --val-split rows), sorted; a value outside them is an error, "
                    + "here and in evaluate and predict, which take them from the model. Default: none (every feature "
                    + "column is numeric).")
    List<String> categorical;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "With --csv: the share of rows held out for testing (seeded). Default: ${DEFAULT-VALUE}.")
    double testFraction;

    /**
     * A training set, a validation set split from it (null without {@code --val-split}) and a held-out test
     * set, all standardized with {@code standardization} when it is not null (fitted on the training set
     * alone); closing it closes them.
     */
    record Data(Dataset train, Dataset validation, Dataset test, String description, Standardization standardization,
                Map<String, List<String>> categories) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            if (validation != null) {
                validation.close();
            }
            test.close();
        }
    }

    /**
     * Words for the data source, e.g. "built-in MNIST subset" or "CSV iris.csv (label column 'species')":
     * file and directory names without their paths, since model files record it and must not carry the
     * training machine's paths.
     */
    String description() {
        check();
        if (mnistDir != null) {
            return "MNIST files in " + name(mnistDir);
        }
        if (csv != null) {
            return "CSV " + name(csv) + " (label column '" + label + "')";
        }
        return "built-in MNIST subset (10,000 train / 2,000 test images)";
    }

    /**
     * What identifies the data for a resumed run: the source kind, a digest of its files' bytes and the
     * flags that shape it — never a path (checkpoints record it), so moved data resumes and changed data
     * does not.
     */
    String identity() throws IOException {
        check();
        if (identity == null) {
            if (mnistDir != null) {
                Path dir = directory(mnistDir);
                identity = "mnist:" + Digest.of(MnistIdx.find(dir, "train-images-idx3-ubyte"), MnistIdx.find(dir, "train-labels-idx1-ubyte"),
                        MnistIdx.find(dir, "t10k-images-idx3-ubyte"), MnistIdx.find(dir, "t10k-labels-idx1-ubyte"));
            } else if (csv != null) {
                identity = "csv:" + Digest.of(existing(csv)) + "#" + label + "#" + testFraction
                        + (categorical == null ? "" : "#categorical=" + String.join(",", categorical));
            } else {
                identity = "builtin";
            }
        }
        return identity;
    }

    private String identity;

    /** The last element of {@code p} (the file or directory name), as typed when it has none. */
    private static String name(Path p) {
        Path n = p.toAbsolutePath().normalize().getFileName();
        return n == null ? p.toString() : n.toString();
    }

    /**
     * Training, validation and test data: a CSV is split {@code testFraction} for testing with {@code seed};
     * then {@code valSplit} of the training data (stratified by class) validates, when above 0; then, with
     * {@code standardize}, a CSV's features are standardized with statistics of the training part alone.
     * Categorical columns are encoded with the categories of that training part alone, too.
     */
    Data trainAndTest(CsvDataset.Task task, long seed, boolean standardize, double valSplit) throws IOException {
        check();
        if (csv != null && !(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        categories = csv == null || categorical == null ? Map.of() : trainingCategories(task, seed, valSplit);
        Data d = trainAndTest(task, seed);
        Dataset validation = null;
        try {
            if (valSplit > 0) {
                int[] valRows = validationRows(d.train(), valSplit, seed);
                validation = d.train().subset(valRows);
                Dataset train = d.train().subset(Dataset.trainingRows(d.train().size(), valRows));
                d.train().close();
                d = new Data(train, validation, d.test(), d.description(), null, categories);
            }
            Standardization s = standardize && csv != null ? Standardization.fit(d.train()) : null;
            if (s != null) {
                s.apply(d.train().features());
                if (d.validation() != null) {
                    s.apply(d.validation().features());
                }
                s.apply(d.test().features());
            }
            return new Data(d.train(), d.validation(), d.test(), d.description(), s, categories);
        } catch (RuntimeException e) {
            d.close();
            if (validation != null && d.validation() == null) {
                validation.close();
            }
            throw e;
        }
    }

    /**
     * The categories of the CSV rows that train: neither the test rows nor the validation rows. The split
     * needs the labels, so the file is read once with every category it has to find those rows.
     */
    private Map<String, List<String>> trainingCategories(CsvDataset.Task task, long seed, double valSplit)
            throws IOException {
        Path file = existing(csv);
        Map<String, List<String>> everywhere = CsvDataset.fitCategories(file, label, categorical, 0, seed);
        try (Dataset all = CsvDataset.read(file, label, task, everywhere)) {
            int[] rows = Dataset.trainingRows(all.size(), testRows(all, seed));
            if (valSplit > 0) {
                try (Dataset train = all.subset(rows)) {
                    int[] kept = Dataset.trainingRows(train.size(), validationRows(train, valSplit, seed));
                    int[] fileRows = rows;
                    rows = java.util.Arrays.stream(kept).map(i -> fileRows[i]).toArray();
                }
            }
            return CsvDataset.fitCategories(file, label, categorical, rows);
        }
    }

    /** The CSV rows held out for testing. */
    private int[] testRows(Dataset all, long seed) {
        try {
            return all.validationRows(testFraction, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--test-fraction " + testFraction + " of the " + all.size()
                    + " rows of " + csv + " leaves no training or no test data");
        }
    }

    /** The rows of {@code train} that validate, stratified by class. */
    private static int[] validationRows(Dataset train, double valSplit, long seed) {
        try {
            return train.stratifiedValidationRows(valSplit, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--val-split " + valSplit + " of the " + train.size()
                    + " training samples leaves no training or no validation data");
        }
    }

    /** The training and test data as they are; a CSV is split {@code testFraction} for testing with {@code seed}. */
    private Data trainAndTest(CsvDataset.Task task, long seed) throws IOException {
        if (csv != null) {
            try (Dataset all = CsvDataset.read(existing(csv), label, task, categories)) {
                int[] testRows = testRows(all, seed);
                Dataset train = all.subset(Dataset.trainingRows(all.size(), testRows));
                try {
                    return new Data(train, null, all.subset(testRows), description(), null, categories);
                } catch (RuntimeException e) {
                    train.close();
                    throw e;
                }
            }
        }
        Path dir = mnistDir != null ? directory(mnistDir) : builtinDirectory();
        Dataset train = MnistIdx.train(dir);
        try {
            return new Data(train, null, MnistIdx.test(dir), description(), null, Map.of());
        } catch (IOException | RuntimeException e) {
            train.close();
            throw e;
        }
    }

    /** The data to evaluate on: the MNIST test files, or the whole CSV file. */
    Dataset testOnly(CsvDataset.Task task, Map<String, List<String>> categories) throws IOException {
        check();
        if (categorical != null) {
            throw new IllegalArgumentException("--categorical applies to train: evaluate takes the model's categorical columns");
        }
        if (csv != null) {
            return CsvDataset.read(existing(csv), label, task, categories);
        }
        return MnistIdx.test(mnistDir != null ? directory(mnistDir) : builtinDirectory());
    }

    /**
     * The regression target's name for the metrics: the CSV's label column by its header name (also when
     * given by index), or "column N" in a file without a header; null without a CSV.
     */
    List<String> targetNames() throws IOException {
        if (csv == null) {
            return null;
        }
        String name = CsvDataset.labelName(existing(csv), label);
        return List.of(name != null ? name : "column " + label.trim());
    }

    /** The categories fitted by the last {@link #trainAndTest} (empty without --categorical). */
    private Map<String, List<String>> categories = Map.of();

    /** The categorical columns a model's metadata names (empty when it has none), a bad entry naming the model. */
    static Map<String, List<String>> readCategories(Path model, ModelFile.Loaded loaded) {
        try {
            return loaded.categories();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
        }
    }

    private void check() {
        if (mnistDir != null && csv != null) {
            throw new IllegalArgumentException("give either --data DIR or --csv FILE, not both");
        }
        if (csv != null && label == null) {
            throw new IllegalArgumentException("--csv " + csv + " needs --label COLUMN (a header name or a 0-based index)");
        }
        if (csv == null && label != null) {
            throw new IllegalArgumentException("--label applies to --csv only");
        }
    }

    private static Path existing(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return file;
    }

    private static Path directory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        return dir;
    }

    /** The built-in subset's directory: a folder of classes when run from them, else a path inside the jar. */
    static Path builtinDirectory() throws IOException {
        var url = DataOptions.class.getResource(BUILTIN + "train-images-idx3-ubyte.gz");
        if (url == null) {
            throw new IOException("the built-in dataset is missing from the class path (" + BUILTIN + ")");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try {
                    FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    FileSystems.newFileSystem(uri, Map.of());
                }
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the built-in dataset: " + e.getMessage(), e);
        }
    }
}
