"""Registry entries for autoencoders, VAE and GAN.

The dense "autoencoder" and "deep_autoencoder" live in the core registry. The GAN players
are in ``ARCHITECTURES`` (for ``jaxnets summary``) with no loss: a GAN trains two players
against each other with two optimizers (``python -m experiments.gan.main``), not with
``jaxnets train``.
"""

from jaxnets.models._autoencoders import ConvAutoencoder, DenoisingAutoencoder, SparseAutoencoder
from jaxnets.models._gan import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from jaxnets.models._spec import ArchitectureSpec, ModelSpec
from jaxnets.models._vae import VAE

# Codes z fed to the generators in summaries; jaxnets.train.init_gan_state takes its own latent_dim.
GAN_LATENT = 64
_GAN = "train GANs with the GAN experiment: python -m experiments.gan.main"

SPECS: dict[str, ModelSpec] = {
    "sparse_autoencoder": ModelSpec(
        lambda num_classes, **kw: SparseAutoencoder(**kw),
        "logistic",
        (784,),
        target="input",
        description="dense autoencoder 784-64-784 with an L1 penalty on the code",
    ),
    "denoising_autoencoder": ModelSpec(
        lambda num_classes, **kw: DenoisingAutoencoder(**kw),
        "logistic",
        (784,),
        target="input",
        description="dense autoencoder 784-32-784 trained on masked inputs (30%)",
    ),
    "conv_autoencoder": ModelSpec(
        lambda num_classes, **kw: ConvAutoencoder(**kw),
        "logistic",
        (28, 28, 1),
        target="input",
        description="strided-conv encoder, 32-unit code, transposed-conv decoder",
    ),
    "vae": ModelSpec(
        lambda num_classes, **kw: VAE(**kw),
        "logistic",
        (28, 28, 1),
        target="input",
        description="variational autoencoder 784-256-(16+16) | 16-256-784; loss = -ELBO",
    ),
}

ARCHITECTURES: dict[str, ArchitectureSpec] = {
    "gan_generator": ArchitectureSpec(
        lambda num_classes, **kw: MLPGenerator(**kw),
        (GAN_LATENT,),
        use_instead=_GAN,
        description="MLP GAN generator 64-256-784",
    ),
    "gan_discriminator": ArchitectureSpec(
        lambda num_classes, **kw: MLPDiscriminator(**kw),
        (28, 28, 1),
        use_instead=_GAN,
        description="MLP GAN discriminator 784-256-1",
    ),
    "dcgan_generator": ArchitectureSpec(
        lambda num_classes, **kw: DCGANGenerator(**kw),
        (GAN_LATENT,),
        use_instead=_GAN,
        description="DCGAN generator 64 -> 7x7x32 -> 14x14x16 -> 28x28x1",
    ),
    "dcgan_discriminator": ArchitectureSpec(
        lambda num_classes, **kw: DCGANDiscriminator(**kw),
        (28, 28, 1),
        use_instead=_GAN,
        description="DCGAN discriminator 28x28x1 -> 14x14x16 -> 7x7x32 -> 1",
    ),
}
