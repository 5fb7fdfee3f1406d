package plan

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/yaml"
)

// decodeJobs decodes a YAML stream of Jobs strictly twice: with
// sigs.k8s.io/yaml (unknown or duplicate fields are errors) and with
// apimachinery's strict YAML serializer over a scheme that knows batch/v1
// (apiVersion and kind must name a registered type).
func decodeJobs(t *testing.T, data []byte) []*batchv1.Job {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := batchv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	ser := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme, kjson.SerializerOptions{Yaml: true, Strict: true})
	var jobs []*batchv1.Job
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var j batchv1.Job
		if err := yaml.UnmarshalStrict([]byte(doc), &j); err != nil {
			t.Fatalf("strict decode: %v\n%s", err, doc)
		}
		obj, gvk, err := ser.Decode([]byte(doc), nil, nil)
		if err != nil {
			t.Fatalf("apimachinery strict decode: %v", err)
		}
		if gvk.Group != "batch" || gvk.Version != "v1" || gvk.Kind != "Job" {
			t.Errorf("decoded %v", gvk)
		}
		if _, ok := obj.(*batchv1.Job); !ok {
			t.Errorf("decoded a %T", obj)
		}
		jobs = append(jobs, &j)
	}
	return jobs
}

// encodeJobs is what KubernetesYAML writes after its header comment, for
// jobs of the k8s.io types: the YAML those types marshal to.
func encodeJobs(t *testing.T, jobs []*batchv1.Job) []byte {
	t.Helper()
	var b bytes.Buffer
	for i, j := range jobs {
		if i > 0 {
			b.WriteString("---\n")
		}
		data, err := yaml.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.Bytes()
}

// yamlBody is data without KubernetesYAML's header comment line.
func yamlBody(data []byte) []byte {
	_, body, _ := bytes.Cut(data, []byte("\n"))
	return body
}

// k8sCells are the cells the Jobs run: for each Job, completion index i
// selects, as the pod's initsec plan run -index-env does, the i-th cell
// of the plan or of the Job's -target.
func k8sCells(t *testing.T, p *Plan, jobs []*batchv1.Job) []string {
	t.Helper()
	var ids []string
	for _, j := range jobs {
		s := j.Spec
		if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
			t.Fatalf("%s: not Indexed", j.Name)
		}
		args := s.Template.Spec.Containers[0].Args
		arg := func(name string) string {
			if i := slices.Index(args, name); i >= 0 && i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		if arg("-index-env") != IndexEnv || arg("-hash") != p.Hash || j.Annotations[PlanAnnotation] != p.Hash {
			t.Errorf("%s: args %q, annotations %v", j.Name, args, j.Annotations)
		}
		for i := range int(*s.Completions) {
			cs, err := Select(p, arg("-target"), i)
			if err != nil {
				t.Fatalf("%s index %d: %v", j.Name, i, err)
			}
			ids = append(ids, cs[0].ID)
		}
	}
	return ids
}

func TestKubernetesStrictRoundTrip(t *testing.T) {
	for _, s := range planSizes {
		p := synthetic(s.modules, s.targets, s.steps...)
		for _, image := range []string{"registry.example/initsec-root@sha256:" + strings.Repeat("a", 64), "registry.example/initsec-root:" + TargetPlaceholder} {
			jobs, err := Kubernetes(p, KubernetesOptions{Image: image, Namespace: "ci", Args: []string{"drivers"}, ResultsClaim: "initsec-results"})
			if err != nil {
				t.Fatal(err)
			}
			data, err := KubernetesYAML(p, jobs)
			if err != nil {
				t.Fatal(err)
			}
			back := decodeJobs(t, data)
			if again := encodeJobs(t, back); !bytes.Equal(again, yamlBody(data)) {
				t.Errorf("%d cells, %s: the Jobs do not survive the round trip through batchv1.Job:\n%s\nre-encoded:\n%s", len(p.Cells), image, data, again)
			}
			for _, j := range back {
				vols := j.Spec.Template.Spec.Volumes
				if len(vols) != 1 || vols[0].PersistentVolumeClaim == nil || vols[0].PersistentVolumeClaim.ClaimName != "initsec-results" || vols[0].EmptyDir != nil {
					t.Errorf("%s: volumes %+v, want the claim initsec-results", j.Name, vols)
				}
				if j.Namespace != "ci" || j.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever || *j.Spec.BackoffLimitPerIndex != 1 {
					t.Errorf("%s: namespace %q, restart policy %q, backoff limit per index %d", j.Name, j.Namespace, j.Spec.Template.Spec.RestartPolicy, *j.Spec.BackoffLimitPerIndex)
				}
			}
			total := 0
			for _, j := range back {
				total += int(*j.Spec.Completions)
				if !strings.Contains(image, TargetPlaceholder) && j.Spec.Template.Spec.Containers[0].Image != image {
					t.Errorf("image %q", j.Spec.Template.Spec.Containers[0].Image)
				}
			}
			if total != len(p.Cells) {
				t.Errorf("%d completions for %d cells", total, len(p.Cells))
			}
			if ids := k8sCells(t, p, back); len(ids) != len(p.Cells) {
				t.Errorf("%d cells run", len(ids))
			}
		}
	}
}

// An unknown field, as a typo in a hand-edited Job would be, fails the
// strict decode.
func TestKubernetesStrictRejects(t *testing.T) {
	p := synthetic(1, 1)
	jobs, _ := Kubernetes(p, KubernetesOptions{Image: "x"})
	data, _ := KubernetesYAML(p, jobs)
	bad := bytes.Replace(data, []byte("completionMode: Indexed"), []byte("completionMode: Indexed\n  completionz: 3"), 1)
	var j batchv1.Job
	if err := yaml.UnmarshalStrict(bad, &j); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := Kubernetes(p, KubernetesOptions{}); err == nil {
		t.Error("no image accepted")
	}
	if got := jobs[0].Spec.Parallelism; got != 2 {
		t.Errorf("parallelism %s", strconv.Itoa(int(got)))
	}
}
