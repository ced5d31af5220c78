package io.waddleperf.app.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Aligned columns: each column as wide as its widest cell, numbers right-aligned, text left-aligned. Colour is put
 * on a cell after padding, so escape codes never shift a column.
 */
final class Table {

    private final boolean[] right;
    private final List<Cell[]> rows = new ArrayList<>();
    private String indent = "";
    private String gap = "  ";

    private record Cell(String text, UnaryOperator<String> paint) {
    }

    /** One flag per column: true = right-aligned. */
    Table(boolean... right) {
        this.right = right.clone();
    }

    Table indent(String s) {
        indent = s;
        return this;
    }

    Table gap(String s) {
        gap = s;
        return this;
    }

    /** A row of plain cells (fewer cells than columns leave the rest empty). */
    Table row(String... cells) {
        Cell[] row = new Cell[right.length];
        for (int i = 0; i < right.length; i++) {
            row[i] = new Cell(i < cells.length && cells[i] != null ? cells[i] : "", UnaryOperator.identity());
        }
        rows.add(row);
        return this;
    }

    /** Paints the last row's cell {@code column} (after alignment). */
    Table paint(int column, UnaryOperator<String> paint) {
        Cell[] row = rows.getLast();
        row[column] = new Cell(row[column].text(), paint);
        return this;
    }

    void appendTo(StringBuilder sb) {
        int[] width = new int[right.length];
        for (Cell[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].text().length());
            }
        }
        for (Cell[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.length; i++) {
                String t = row[i].text();
                String pad = " ".repeat(width[i] - t.length());
                String cell = right[i] ? pad + row[i].paint().apply(t) : row[i].paint().apply(t) + pad;
                line.append(i == 0 ? "" : gap).append(cell);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
