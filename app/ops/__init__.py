"""Operations intelligence over the stored (masked) drafts and feedback: periodic reports for the Agency and
FAQ-gap proposals for the knowledge managers. Everything here reads `Records`; nothing is unmasked."""
