provider "aws" {
  region = var.region

  # Every taggable resource gets these tags (resources only add a Name where useful).
  default_tags {
    tags = local.tags
  }
}
