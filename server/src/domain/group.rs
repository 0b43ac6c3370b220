//! Rules about groups themselves.

/// A patient group is named after the patient, with the honorific the care team uses.
pub fn patient_group_name(patient_name: &str) -> String {
    format!("{patient_name} 様")
}

#[cfg(test)]
mod tests {
    #[test]
    fn patient_groups_carry_the_honorific() {
        assert_eq!(super::patient_group_name("山田 花子"), "山田 花子 様");
    }
}
