package plan

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
func Kubernetes(p *Plan, opts KubernetesOptions) ([]*batchv1.Job, error) {
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
		return []*batchv1.Job{job(p, "", len(p.Cells), opts.Image, opts)}, nil
	}
	var jobs []*batchv1.Job
	for _, t := range p.Targets {
		n := len(p.TargetCells(t.Name))
		if n == 0 {
			continue
		}
		jobs = append(jobs, job(p, t.Name, n, strings.ReplaceAll(opts.Image, TargetPlaceholder, Slug(t.Name)), opts))
	}
	return jobs, nil
}

func job(p *Plan, targetName string, cells int, image string, opts KubernetesOptions) *batchv1.Job {
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
	vol := corev1.Volume{Name: "results", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	if opts.ResultsClaim != "" {
		vol.VolumeSource = corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: opts.ResultsClaim}}
	}
	indexed := batchv1.IndexedCompletion
	completions := int32(cells)
	perIndex := int32(1)
	return &batchv1.Job{
		TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: opts.Namespace, Labels: labels,
			Annotations: map[string]string{PlanAnnotation: p.Hash},
		},
		Spec: batchv1.JobSpec{
			CompletionMode: &indexed,
			Completions:    &completions,
			Parallelism:    &par,
			// A cell that fails fails alone; the others go on.
			BackoffLimitPerIndex: &perIndex,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers: []corev1.Container{{
						Name:       "cell",
						Image:      image,
						WorkingDir: opts.WorkDir,
						Command:    []string{opts.Initsec},
						Args:       args,
						Env:        []corev1.EnvVar{{Name: "INITSEC_PLAN", Value: p.Hash}},
						VolumeMounts: []corev1.VolumeMount{{
							Name: "results", MountPath: ResultsDir,
						}},
					}},
					Volumes: []corev1.Volume{vol},
				},
			},
		},
	}
}

// KubernetesYAML renders jobs as one YAML stream, documents separated by
// "---".
func KubernetesYAML(p *Plan, jobs []*batchv1.Job) ([]byte, error) {
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
