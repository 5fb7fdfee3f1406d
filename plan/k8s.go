package plan

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// IndexEnv is the variable Kubernetes sets in each pod of an Indexed Job
// to the pod's completion index.
const IndexEnv = "JOB_COMPLETION_INDEX"

// Annotations and labels the Jobs carry.
const (
	PlanAnnotation = "initsec.dev/plan"   // the plan hash
	PlanLabel      = "initsec.dev/plan"   // its short form (labels allow no ':')
	TargetLabel    = "initsec.dev/target" // the target slug, for a Job per target
)

// KubernetesOptions configures Kubernetes.
type KubernetesOptions struct {
	// Image is the image the cells run in (required): the build root of
	// the target (its release with the target's headers and compiler,
	// initsec, and the repository at WorkDir), so a cell builds on the
	// image's "host" (kbuild/buildenv) and downloads nothing. When it
	// contains TargetPlaceholder, one Job per target is emitted, each with
	// the placeholder replaced by the target's slug (debian-12_6.1_amd64).
	Image string
	// Name of the Job; default initsec-plan-SHORTHASH (-SLUG per target).
	Name      string
	Namespace string
	// Initsec is the command in the image; default "initsec".
	Initsec string
	// WorkDir is the repository's checkout in the image; default /src.
	WorkDir string
	// Args and PlanFlags are the plan's arguments and flags as given to
	// initsec plan, so each pod computes the same plan.
	Args      []string
	PlanFlags []string
	// Parallelism is how many pods run at once; default min(cells, 16).
	Parallelism int32
	// ResultsClaim is a PersistentVolumeClaim mounted at ResultsDir for
	// the result files, to merge them after (initsec plan merge); default
	// an emptyDir, with each result also printed on the pod's log.
	ResultsClaim string
}

// TargetPlaceholder in KubernetesOptions.Image stands for a target's slug.
const TargetPlaceholder = "{target}"

// ResultsDir is where a pod writes its cell's result file.
const ResultsDir = "/results"

// Kubernetes emits the plan as Kubernetes Indexed Jobs (batch/v1,
// completionMode Indexed): one Job whose completions are the plan's cells,
// pod i running cell i (initsec plan run -index-env
// JOB_COMPLETION_INDEX); or, when the image names TargetPlaceholder, one
// such Job per target over that target's cells, so each runs in its own
// target's build root. A cell's pod runs the steps it needs before its own
// (a verify pod builds too).
func Kubernetes(p *Plan, opts KubernetesOptions) ([]*Job, error) {
	if opts.Image == "" {
		return nil, errors.New("an image is required (-image): the target's build root with initsec and the repository in it")
	}
	if opts.Initsec == "" {
		opts.Initsec = "initsec"
	}
	if opts.WorkDir == "" {
		opts.WorkDir = "/src"
	}
	if len(p.Cells) == 0 {
		return nil, fmt.Errorf("plan %s has no cells", p.Hash)
	}
	if !strings.Contains(opts.Image, TargetPlaceholder) {
		return []*Job{job(p, "", len(p.Cells), opts.Image, opts)}, nil
	}
	var jobs []*Job
	for _, t := range p.Targets {
		n := len(p.TargetCells(t.Name))
		if n == 0 {
			continue
		}
		jobs = append(jobs, job(p, t.Name, n, strings.ReplaceAll(opts.Image, TargetPlaceholder, Slug(t.Name)), opts))
	}
	return jobs, nil
}

func job(p *Plan, targetName string, cells int, image string, opts KubernetesOptions) *Job {
	name := opts.Name
	if name == "" {
		name = "initsec-plan-" + p.ShortHash()
	}
	labels := map[string]string{PlanLabel: p.ShortHash()}
	args := []string{"plan", "run", "-hash", p.Hash, "-index-env", IndexEnv, "-out", ResultsDir, "-print"}
	if targetName != "" {
		slug := strings.ToLower(strings.ReplaceAll(Slug(targetName), "_", "-"))
		name += "-" + strings.ReplaceAll(slug, ".", "-")
		labels[TargetLabel] = Slug(targetName)
		args = append(args, "-target", targetName)
	}
	args = append(args, opts.PlanFlags...)
	args = append(args, opts.Args...)
	par := opts.Parallelism
	if par <= 0 {
		par = int32(min(cells, 16))
	}
	vol := Volume{Name: "results", EmptyDir: &EmptyDir{}}
	if opts.ResultsClaim != "" {
		vol = Volume{Name: "results", PersistentVolumeClaim: &ClaimRef{ClaimName: opts.ResultsClaim}}
	}
	return &Job{
		APIVersion: "batch/v1", Kind: "Job",
		Metadata: ObjectMeta{
			Name: name, Namespace: opts.Namespace, Labels: labels,
			Annotations: map[string]string{PlanAnnotation: p.Hash},
		},
		Spec: JobSpec{
			CompletionMode: "Indexed",
			Completions:    int32(cells),
			Parallelism:    par,
			// A cell that fails fails alone; the others go on.
			BackoffLimitPerIndex: 1,
			Template: PodTemplate{
				Metadata: ObjectMeta{Labels: labels},
				Spec: PodSpec{
					RestartPolicy: "Never",
					Containers: []Container{{
						Name:       "cell",
						Image:      image,
						WorkingDir: opts.WorkDir,
						Command:    []string{opts.Initsec},
						Args:       args,
						Env:        []EnvVar{{Name: "INITSEC_PLAN", Value: p.Hash}},
						VolumeMounts: []VolumeMount{{
							Name: "results", MountPath: ResultsDir,
						}},
					}},
					Volumes: []Volume{vol},
				},
			},
		},
	}
}

// KubernetesYAML renders jobs as one YAML stream, documents separated by
// "---".
func KubernetesYAML(p *Plan, jobs []*Job) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Generated by `initsec plan -emit k8s` from plan %s (%d cells). Do not edit.\n", p.Hash, len(p.Cells))
	for i, j := range jobs {
		if i > 0 {
			b.WriteString("---\n")
		}
		data, err := yaml.Marshal(j)
		if err != nil {
			return nil, err
		}
		b.Write(data)
	}
	return b.Bytes(), nil
}

// Job is the part of a Kubernetes batch/v1 Job that Kubernetes fills, its
// fields named and tagged as k8s.io/api/batch/v1's and core/v1's are: the
// tests decode the YAML strictly into those types and check that they
// write it back byte for byte. The types are declared here rather than
// imported because k8s.io/api and apimachinery brought 75 packages into
// initsec, whose initialisation ran at the start of every command,
// verify's too, for the one that writes a Job.
type Job struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   ObjectMeta `json:"metadata"`
	Spec       JobSpec    `json:"spec"`
	// Status is empty, as a new batchv1.Job's is ("status: {}"): the
	// YAML stays what the k8s.io types wrote.
	Status struct{} `json:"status"`
}

// ObjectMeta is metav1.ObjectMeta's name, namespace, labels and
// annotations.
type ObjectMeta struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// JobSpec is batchv1.JobSpec for an Indexed Job.
type JobSpec struct {
	Parallelism          int32       `json:"parallelism"`
	Completions          int32       `json:"completions"`
	BackoffLimitPerIndex int32       `json:"backoffLimitPerIndex"`
	CompletionMode       string      `json:"completionMode"`
	Template             PodTemplate `json:"template"`
}

// PodTemplate is corev1.PodTemplateSpec.
type PodTemplate struct {
	Metadata ObjectMeta `json:"metadata"`
	Spec     PodSpec    `json:"spec"`
}

// PodSpec is corev1.PodSpec's volumes, containers and restart policy.
type PodSpec struct {
	Volumes       []Volume    `json:"volumes"`
	Containers    []Container `json:"containers"`
	RestartPolicy string      `json:"restartPolicy"`
}

// Container is the part of corev1.Container a cell's pod sets.
type Container struct {
	Name         string        `json:"name"`
	Image        string        `json:"image"`
	Command      []string      `json:"command"`
	Args         []string      `json:"args"`
	WorkingDir   string        `json:"workingDir"`
	Env          []EnvVar      `json:"env"`
	VolumeMounts []VolumeMount `json:"volumeMounts"`
	Resources    struct{}      `json:"resources"` // none asked for: "{}", as the k8s.io types wrote
}

// EnvVar is corev1.EnvVar with a literal value.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// VolumeMount is corev1.VolumeMount.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
}

// Volume is corev1.Volume with one of its two sources set.
type Volume struct {
	Name                  string    `json:"name"`
	EmptyDir              *EmptyDir `json:"emptyDir,omitempty"`
	PersistentVolumeClaim *ClaimRef `json:"persistentVolumeClaim,omitempty"`
}

// EmptyDir is corev1.EmptyDirVolumeSource with its defaults.
type EmptyDir struct{}

// ClaimRef is corev1.PersistentVolumeClaimVolumeSource.
type ClaimRef struct {
	ClaimName string `json:"claimName"`
}
