// Package benchreport collects benchmark figures, prints them as a table,
// and merges them into the JSON file named by $BENCH_JSON, so that runs of
// `make bench` can be compared over time and side by side with the
// reference daemons. Benchmarks call it; it calls nothing of the daemon.
package benchreport

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"
)

// Figure is one measured value of one subject in one scenario.
type Figure struct {
	Scenario string  `json:"scenario"` // e.g. "platform/route-storm-100k"
	Subject  string  `json:"subject"`  // e.g. "gonm", "NetworkManager-1.42", "systemd-networkd"
	Metric   string  `json:"metric"`   // e.g. "cpu_seconds"
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"` // e.g. "s", "MB", "count"
	// Target, when set, is the goal for this figure, for the table only.
	Target string `json:"target,omitempty"`
}

// Report gathers figures of one benchmark run.
type Report struct {
	mu      sync.Mutex
	figures []Figure
}

// Add records a figure.
func (r *Report) Add(f Figure) {
	r.mu.Lock()
	r.figures = append(r.figures, f)
	r.mu.Unlock()
}

// Figures returns a copy of what was recorded.
func (r *Report) Figures() []Figure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Figure(nil), r.figures...)
}

// Quantile is the q-quantile (0 to 1) of sorted latencies, by nearest
// rank rounded down; the last one for q = 1.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// AddLatencies records the median, 90th and 99th percentiles and the
// maximum of a scenario's latencies (latency_p50 ... latency_max, in
// milliseconds) for subject. It sorts d in place; d must not be empty.
func (r *Report) AddLatencies(scenario, subject string, d []time.Duration) {
	slices.Sort(d)
	for _, f := range []struct {
		metric string
		q      float64
	}{{"latency_p50", 0.5}, {"latency_p90", 0.9}, {"latency_p99", 0.99}, {"latency_max", 1}} {
		r.Add(Figure{Scenario: scenario, Subject: subject, Metric: f.metric,
			Value: float64(Quantile(d, f.q).Microseconds()) / 1000, Unit: "ms"})
	}
}

// SampleUntil calls call again and again, timing each call, until done
// delivers the duration of the work it was measured against (a storm
// running meanwhile), and returns the latencies and that duration. A
// failed call ends the sampling with its error.
func SampleUntil(done <-chan time.Duration, call func() error) ([]time.Duration, time.Duration, error) {
	var lat []time.Duration
	for {
		select {
		case d := <-done:
			return lat, d, nil
		default:
		}
		t0 := time.Now()
		if err := call(); err != nil {
			return lat, 0, err
		}
		lat = append(lat, time.Since(t0))
	}
}

// Main is a TestMain for packages whose benchmarks share one report: it
// runs the tests and benchmarks, publishes r to stdout (and $BENCH_JSON)
// when they recorded anything, and exits with their status.
func Main(m *testing.M, r *Report) {
	code := m.Run()
	if len(r.Figures()) > 0 {
		if err := r.Publish(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// WriteTable prints one table per scenario: a row per metric, a column per
// subject, in the order subjects were first recorded.
func (r *Report) WriteTable(w io.Writer) {
	figs := r.Figures()
	var scenarios []string
	seen := map[string]bool{}
	for _, f := range figs {
		if !seen[f.Scenario] {
			seen[f.Scenario] = true
			scenarios = append(scenarios, f.Scenario)
		}
	}
	for _, sc := range scenarios {
		var subjects, metrics []string
		subjSeen, metSeen := map[string]bool{}, map[string]bool{}
		vals := map[[2]string]Figure{}
		for _, f := range figs {
			if f.Scenario != sc {
				continue
			}
			if !subjSeen[f.Subject] {
				subjSeen[f.Subject] = true
				subjects = append(subjects, f.Subject)
			}
			if !metSeen[f.Metric] {
				metSeen[f.Metric] = true
				metrics = append(metrics, f.Metric)
			}
			vals[[2]string{f.Metric, f.Subject}] = f
		}
		fmt.Fprintf(w, "\n== %s ==\n", sc)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "metric\t%s\ttarget\n", strings.Join(subjects, "\t"))
		for _, m := range metrics {
			row := []string{m}
			target := ""
			for _, s := range subjects {
				f, ok := vals[[2]string{m, s}]
				if !ok {
					row = append(row, "-")
					continue
				}
				row = append(row, fmt.Sprintf("%.4g %s", f.Value, f.Unit))
				if f.Target != "" {
					target = f.Target
				}
			}
			fmt.Fprintf(tw, "%s\t%s\n", strings.Join(row, "\t"), target)
		}
		tw.Flush()
	}
}

type file struct {
	Updated time.Time `json:"updated"`
	Figures []Figure  `json:"figures"`
}

// WriteJSON merges the figures into the JSON file at path: figures with the
// same scenario, subject and metric are replaced, others kept.
func (r *Report) WriteJSON(path string) error {
	var f file
	if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
		if err := json.Unmarshal(data, &f); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
	}
	key := func(x Figure) string { return x.Scenario + "\x00" + x.Subject + "\x00" + x.Metric }
	idx := map[string]int{}
	for i, x := range f.Figures {
		idx[key(x)] = i
	}
	for _, x := range r.Figures() {
		if i, ok := idx[key(x)]; ok {
			f.Figures[i] = x
		} else {
			idx[key(x)] = len(f.Figures)
			f.Figures = append(f.Figures, x)
		}
	}
	sort.SliceStable(f.Figures, func(i, j int) bool { return key(f.Figures[i]) < key(f.Figures[j]) })
	f.Updated = time.Now().UTC()
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Publish prints the table to w and, when $BENCH_JSON is set, merges the
// figures into that file.
func (r *Report) Publish(w io.Writer) error {
	r.WriteTable(w)
	if p := os.Getenv("BENCH_JSON"); p != "" {
		return r.WriteJSON(p)
	}
	return nil
}
