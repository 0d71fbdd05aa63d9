package benchreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTableAndJSONMerge(t *testing.T) {
	var r Report
	r.Add(Figure{Scenario: "s", Subject: "gonm", Metric: "cpu", Value: 0.25, Unit: "s", Target: "<= 0.45 s"})
	r.Add(Figure{Scenario: "s", Subject: "nm", Metric: "cpu", Value: 3.8, Unit: "s"})
	r.Add(Figure{Scenario: "s", Subject: "gonm", Metric: "rss", Value: 20, Unit: "MB"})
	var buf bytes.Buffer
	r.WriteTable(&buf)
	out := buf.String()
	for _, want := range []string{"== s ==", "metric", "gonm", "nm", "0.25 s", "3.8 s", "<= 0.45 s", "20 MB"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "rss  ") || !strings.Contains(out, "-") {
		t.Errorf("missing values must show as '-':\n%s", out)
	}

	path := filepath.Join(t.TempDir(), "bench.json")
	if err := os.WriteFile(path, []byte(`{"figures":[{"scenario":"old","subject":"x","metric":"m","value":1,"unit":"s"},{"scenario":"s","subject":"gonm","metric":"cpu","value":9,"unit":"s"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	var f file
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, x := range f.Figures {
		got[x.Scenario+"/"+x.Subject+"/"+x.Metric] = x.Value
	}
	want := map[string]float64{"old/x/m": 1, "s/gonm/cpu": 0.25, "s/nm/cpu": 3.8, "s/gonm/rss": 20}
	if len(got) != len(want) {
		t.Fatalf("merged figures %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestAddLatencies(t *testing.T) {
	var r Report
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	r.AddLatencies("sc", "gonm", d)
	want := map[string]float64{"latency_p50": 51, "latency_p90": 91, "latency_p99": 100, "latency_max": 100}
	figs := r.Figures()
	if len(figs) != len(want) {
		t.Fatalf("%d figures, want %d: %+v", len(figs), len(want), figs)
	}
	for _, f := range figs {
		if f.Scenario != "sc" || f.Subject != "gonm" || f.Unit != "ms" || f.Value != want[f.Metric] {
			t.Errorf("figure %+v, want value %v ms", f, want[f.Metric])
		}
	}
	if q := Quantile([]time.Duration{7}, 0.99); q != 7 {
		t.Errorf("Quantile of one latency = %v", q)
	}
}

func TestSampleUntil(t *testing.T) {
	done := make(chan time.Duration, 1)
	calls := 0
	lat, d, err := SampleUntil(done, func() error {
		if calls++; calls == 3 {
			done <- 42 * time.Millisecond
		}
		return nil
	})
	if err != nil || len(lat) != 3 || d != 42*time.Millisecond {
		t.Errorf("SampleUntil = %d latencies, %v, %v; want 3, 42ms, nil", len(lat), d, err)
	}
	boom := errors.New("boom")
	if _, _, err := SampleUntil(make(chan time.Duration), func() error { return boom }); err != boom {
		t.Errorf("failing call: err %v", err)
	}
}
