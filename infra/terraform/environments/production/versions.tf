terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6, < 4.0"
    }
  }

  # Remote state. The state holds the generated credentials (database password, Redis AUTH
  # token, Django SECRET_KEY): keep it in an encrypted, versioned, access-restricted bucket.
  # Create the bucket once (outside this configuration), then uncomment and `terraform init`.
  # `use_lockfile` needs Terraform >= 1.10; on older versions use a DynamoDB lock table.
  #
  # backend "s3" {
  #   bucket       = "jifenbao-terraform-state-<account-id>"
  #   key          = "production/terraform.tfstate"
  #   region       = "cn-northwest-1"
  #   encrypt      = true
  #   kms_key_id   = "alias/jifenbao-terraform-state"
  #   use_lockfile = true
  # }
}
