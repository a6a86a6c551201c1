"""The ids fixed by the public contract (CONTRACT.md §4), as the tests know them."""

REGIONS = frozenset(
    {
        "eyelid",
        "face",
        "neck",
        "shoulder",
        "shoulder_blade",
        "upper_back",
        "lower_back",
        "chest",
        "abdomen",
        "arm",
        "hand",
        "thumb",
        "hip",
        "thigh",
        "knee",
        "calf",
        "foot",
        "whole_body",
    }
)

FACTORS = frozenset(
    {
        "heavy_exercise",
        "insufficient_stretching",
        "stress_anxiety",
        "dehydration",
        "nutrient_deficiency",
        "poor_circulation",
        "caffeine",
        "stimulants",
        "medication_side_effect",
        "nicotine",
        "sleep_deprivation",
        "muscle_fatigue",
        "muscle_strain",
        "overuse",
        "sudden_movement",
        "prolonged_sitting",
        "poor_posture",
        "sleep_position",
        "cold_exposure",
        "chemical_exposure",
        "poor_nutrition",
    }
)

RULE_OUTS = frozenset(
    {
        "als",
        "muscular_dystrophy",
        "spinal_muscular_atrophy",
        "isaacs_syndrome",
        "hypothyroidism",
        "kidney_failure",
        "brain_injury",
        "parkinsons",
        "deep_vein_thrombosis",
        "rhabdomyolysis",
        "meningitis",
        "peripheral_neuropathy",
    }
)

CARE_PLAN = frozenset(
    {
        "prioritize_sleep",
        "reduce_stress",
        "healthy_diet",
        "limit_caffeine",
        "avoid_stimulants",
        "quit_nicotine",
        "hydrate",
        "stretch_before_after_exercise",
        "rest_the_muscle",
        "maintain_posture",
        "take_breaks_from_sitting",
        "heat_or_cold",
        "massage",
        "physical_therapy",
        "progressive_relaxation",
        "acupuncture",
        "review_medication",
        "check_nutrient_levels",
        "keep_warm",
        "sleep_position_support",
        "protect_from_chemicals",
    }
)
ASSESSMENT_KEYS = frozenset(
    {
        "kind",
        "kind_explanation",
        "triage",
        "factors",
        "rule_out",
        "care_plan",
        "sources",
        "disclaimer",
        "knowledge_version",
    }
)
