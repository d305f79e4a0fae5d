// A chart of one ChartData table: uPlot (loaded with the first chart, its own
// chunk), a CSV download of exactly the table it draws, and the table itself
// for screen readers and for anyone who would rather read the numbers.
import { useEffect, useMemo, useRef, useState } from "react";
import { type ChartData, chartCsv, xNumber } from "../lib/history";

const HEIGHT = 220;
/** Series colours: distinguishable, and readable on the card's white. */
const COLORS = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#495057"];
/** Axis labels to four significant digits: amounts of 0.000118 USDC must not all read "0". */
const tick = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
const ticks = (_: unknown, splits: number[]) => splits.map((v) => (v == null ? "" : tick.format(v)));

export function Chart({ data, name, title }: { data: ChartData; name: string; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const csv = useMemo(() => chartCsv(data), [data]);
  const csvUrl = useMemo(() => URL.createObjectURL(new Blob([csv], { type: "text/csv" })), [csv]);
  useEffect(() => () => URL.revokeObjectURL(csvUrl), [csvUrl]);

  useEffect(() => {
    const element = box.current;
    if (!element || data.rows.length === 0) return;
    let plot: { destroy(): void; setSize(size: { width: number; height: number }): void } | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")])
      .then(([{ default: UPlot }]) => {
        if (cancelled) return;
        const units = [...new Set(data.series.map((s) => s.unit))];
        const stepped = data.step ? UPlot.paths.stepped?.({ align: 1 }) : undefined;
        const xs = data.rows.map((row) => xNumber(data.x.kind, row.x));
        const pad = data.x.kind === "epoch" ? 1 : 86_400;
        const columns = data.series.map((_, i) => data.rows.map((row) => Number(row.values[i])));
        plot = new UPlot(
          {
            width: element.clientWidth || 300,
            height: HEIGHT,
            // Days are UTC days, as the indexer counts them.
            tzDate: (seconds: number) => UPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
            scales: {
              x: {
                time: data.x.kind !== "epoch",
                // One x alone would stretch the axis over years: a day (or an epoch) either side.
                ...(xs[0] === xs[xs.length - 1] ? { auto: false, range: [xs[0] - pad, xs[0] + pad] as [number, number] } : {}),
              },
            },
            series: [
              { label: data.x.label },
              ...data.series.map((s, i) => ({
                label: `${s.label} (${s.unit})`,
                scale: s.unit,
                stroke: COLORS[i % COLORS.length],
                width: 2,
                paths: stepped,
                points: { show: data.rows.length <= 40 },
              })),
            ],
            axes: [
              {},
              { scale: units[0], size: 72, values: ticks },
              ...(units[1] ? [{ scale: units[1], side: 1, size: 72, grid: { show: false }, values: ticks }] : []),
            ],
          },
          [xs, ...columns],
          element,
        );
        observer = new ResizeObserver(() => plot?.setSize({ width: element.clientWidth, height: HEIGHT }));
        observer.observe(element);
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [data]);

  return (
    <figure className="chart" data-testid={`chart-${name}`} data-rows={data.rows.length}>
      {data.rows.length === 0 ? (
        <p className="hint">Nothing to draw yet.</p>
      ) : (
        <div ref={box} className="chart-plot" role="img" aria-label={`${title}: chart of the table below`} />
      )}
      {failed && <p className="hint">The chart could not be drawn here; the table below holds its data.</p>}
      <figcaption>
        <a href={csvUrl} download={`${name}.csv`} data-testid={`csv-${name}`}>
          Download CSV
        </a>{" "}
        <span className="hint">
          ({data.rows.length} {data.rows.length === 1 ? "row" : "rows"}: exactly what the chart draws)
        </span>
      </figcaption>
      <details>
        <summary>Table</summary>
        <div className="table-scroll">
          <table className="compact" data-testid={`table-${name}`}>
            <thead>
              <tr>
                <th>{data.x.label}</th>
                {data.series.map((s) => (
                  <th key={s.key}>{`${s.label} (${s.unit})`}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: times repeat when two payments share a block; rows are only appended
                <tr key={`${row.x}/${index}`}>
                  <td>{row.x}</td>
                  {row.values.map((value, i) => (
                    <td key={data.series[i].key}>{value}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
