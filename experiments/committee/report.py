"""The README's measured section, from results.json alone (no jax)."""


def report(record: dict) -> str:
    r = record["results"]
    cfg = record["config"]
    members = ", ".join(f"{e:.2f}%" for e in r["member_error_pct"])
    lines = [
        f"{cfg['members']} {r['model']} members ({r['params_per_member']:,} parameters each) on "
        f"{r['dataset']} ({r['train_examples']:,} training, {r['test_examples']:,} test "
        f"examples), batch {cfg['batch_size']}, Adam {cfg['learning_rate']:g} decayed "
        f"x{cfg['lr_decay']:g} per epoch; distortions: rotation +-{cfg['max_rotation']:g} deg, "
        f"scale 1 +- {cfg['max_scale']:g}, shift +-{cfg['max_shift']:g} px, elastic "
        f"alpha {cfg['alpha']:g}, sigma {cfg['sigma']:g}.",
        "",
        f"After {r['epochs_run']} epochs ({r['train_s']:.0f} s of training"
        + (", stopped by the time budget" if r["stopped_by_budget"] else "")
        + f", {r['compile_s']:.0f} s compiling):",
        "",
        "| | test error |",
        "|---|---|",
        f"| members | {members} |",
        f"| mean member | {r['mean_member_error_pct']:.2f}% |",
        f"| best member | {r['best_member_error_pct']:.2f}% |",
        f"| committee (mean softmax) | {r['committee_error_pct']:.2f}% |",
        "",
        "| epoch | train s | members' test error (%) | committee (%) |",
        "|---|---|---|---|",
    ]
    for c in r["curve"]:
        errs = " ".join(f"{e:.2f}" for e in c["member_error_pct"])
        lines.append(
            f"| {c['epoch']} | {c['train_s']:.0f} | {errs} | {c['committee_error_pct']:.2f} |"
        )
    a = r["augmentation"]
    lines += [
        "",
        f"Augmentation is per member: the members' distorted copies of the same test digits "
        f"differ by {a['member_mad']:.3f} mean absolute pixel value (smallest pair "
        f"{a['min_member_mad']:.3f}), and from the undistorted digit by {a['input_mad']:.3f}.",
        "",
        f"Wall time {record['seconds']:.0f} s on {record['machine']}.",
        "",
        "![error vs epoch](error_vs_epoch.png)",
        "",
        "![augmented samples](augmented_samples.png)",
    ]
    return "\n".join(lines) + "\n"
