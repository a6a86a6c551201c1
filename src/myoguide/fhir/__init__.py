"""myoguide's data as HL7 FHIR R4 resources (the R4B models of fhir.resources); no HTTP in here."""
