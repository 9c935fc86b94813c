// Pareto families (issue 3) from the trainer's family ids in META.
const PARETO_FAMILY: Record<string, string> = {
	"cnn-large": "large-cnn",
	"separable-int8": "separable-int8",
	"hyper-paper": "hyper-paper",
	"cnn-32k": "compact",
	"cnn-64k": "compact",
};

/** The Pareto family of a trainer family: compressive generators keep their own `hyper-<name>`. */
export function paretoFamily(trainerFamily: string): string {
	return PARETO_FAMILY[trainerFamily] ?? trainerFamily;
}
