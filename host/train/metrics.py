"""Macro-F1 and the decision rule: for two classes, P(positive) >= t* with t* tuned on validation only."""
import numpy as np

T_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)


def confusion(y, pred, k):
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (y, pred), 1)
    return m


def per_class_f1(m):
    tp = np.diag(m).astype(float)
    prec = tp / np.maximum(m.sum(0), 1)
    rec = tp / np.maximum(m.sum(1), 1)
    return np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0.0)


def macro_f1(y, pred, k):
    """Mean F1 over the classes present in y (a class absent from the labels is left out, not scored 0)."""
    f1 = per_class_f1(confusion(y, pred, k))
    present = np.bincount(y, minlength=k) > 0
    return float(f1[present].mean())


def decide(prob, t_star):
    """Class per window: binary tasks threshold P(class 1); multi-class tasks take the argmax."""
    if prob.shape[1] == 2:
        return (prob[:, 1] >= (0.5 if t_star is None else t_star)).astype(np.int64)
    return prob.argmax(1)


def tune_threshold(y, prob):
    """t* from the 0.05..0.95 grid maximizing macro-F1 (binary tasks); 0.5 where it does not apply."""
    if prob.shape[1] != 2:
        return 0.5
    scores = [macro_f1(y, decide(prob, t), 2) for t in T_GRID]
    return float(T_GRID[int(np.argmax(scores))])


def summary(y, prob, t_star, classes):
    k = len(classes)
    pred = decide(prob, t_star)
    m = confusion(y, pred, k)
    f1 = per_class_f1(m)
    sens = np.diag(m) / np.maximum(m.sum(1), 1)
    present = m.sum(1) > 0
    return {
        "macro_f1": macro_f1(y, pred, k),
        "balanced_accuracy": float(sens[present].mean()),
        "per_class_f1": {c: float(v) for c, v in zip(classes, f1)},
        "confusion": m.tolist(),
        "t_star": t_star,
        "count": int(len(y)),
    }
